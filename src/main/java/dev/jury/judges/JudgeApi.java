package dev.jury.judges;

import dev.jury.judges.prompt.Demo;
import dev.jury.judges.prompt.InstructionsTemplate;
import dev.jury.judges.templates.AnswerKind;
import dev.jury.judges.templates.JudgeNameAdvice;
import dev.jury.judges.templates.JudgeTemplates;
import dev.jury.judges.templates.ScoreScale;
import dev.jury.judges.templates.TemplateParams;
import dev.jury.judges.prompt.MlflowJudge;
import dev.jury.judges.memory.JudgeMemory;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jury.rubrics.RubricApi;
import dev.jury.security.CurrentUser;
import dev.jury.security.Roles;
import dev.jury.web.ProblemException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.net.URI;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Judges as JSON, MLflow {@code make_judge} style: create (a new name makes version 1, an existing one its next
 * version) and read a version complete enough to run elsewhere.
 */
@Path("/api/v1/experiments/{exp}/judges")
@RolesAllowed({Roles.ADMIN, Roles.SERVICE})
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class JudgeApi {

    @Inject
    JudgeService judges;

    @Inject
    CurrentUser user;

    /**
     * The body of {@code POST …/judges}; {@code inference_params} is an object of numbers. With {@code template}
     * the judge is made from that template ({@code name} and {@code instructions} then optional, the template's
     * parameters {@code guidelines}, {@code criterion}, {@code threshold} as it takes them); without it,
     * {@code threshold} changes the threshold of an existing 1–5 judge.
     */
    public record CreateJudge(String name, String instructions, String model, JsonNode inferenceParams,
                              String template, List<String> guidelines, String criterion, JsonNode threshold) {
    }

    /**
     * A judge version with its rubric: what a service needs to run the judge elsewhere.
     *
     * @param mlflow the version as MLflow serializes a {@code make_judge} judge ({@link MlflowJudge})
     */
    public record JudgeVersionView(String name, String experiment, int version, String sourceId, String instructions,
                                   List<String> variables, String model, Map<String, Object> inferenceParams,
                                   String valueType, RubricApi.RubricView rubric, List<Demo> demos,
                                   JudgeMemory memory, Map<String, Object> tags, Integer parentVersion,
                                   List<String> aliases, String createdBy, Instant createdAt, String template,
                                   String answer, Integer scoreThreshold, String nameWarning, ObjectNode mlflow) {

        public static JudgeVersionView of(String experiment, JudgeVersion v, List<String> aliases) {
            List<Demo> demos = v.demos();
            return new JudgeVersionView(v.judge.name, experiment, v.version, v.sourceId(), v.instructions,
                    InstructionsTemplate.reservedVariablesIn(v.instructions), v.model, v.inferenceParams,
                    v.rubricVersion.kindName(), RubricApi.RubricView.of(v.rubricVersion), demos, v.memory(), v.tags,
                    v.parentVersion(), aliases, v.createdBy, v.createdAt, v.template,
                    v.answerKind().name().toLowerCase(java.util.Locale.ROOT), v.scoreThreshold,
                    JudgeNameAdvice.warning(v.judge.name).orElse(null),
                    mlflow(v, demos));
        }

        /**
         * The version in MLflow's shape, as the model sees it: a 1–5 judge with the score scale and its demos as
         * scores (what {@code JudgeCaller} sends), so that MLflow's judge answers 1–5; the template, answer kind and
         * threshold in the description (docs/registry.md, "MLflow shape").
         */
        static ObjectNode mlflow(JudgeVersion v, List<Demo> demos) {
            var guidelines = v.memory() == null ? List.<dev.jury.judges.memory.Guideline>of() : v.memory().guidelines();
            dev.jury.rubrics.RubricSpec rubric = v.rubricVersion.spec();
            List<Demo> shown = demos;
            AnswerKind answer = v.answerKind();
            if (answer == AnswerKind.SCORE) {
                int threshold = v.scoreThreshold == null ? ScoreScale.DEFAULT_THRESHOLD : v.scoreThreshold;
                rubric = ScoreScale.spec(threshold);
                shown = demos.stream().map(d -> new Demo(d.inputs(), d.outputs(), d.expectations(),
                        ScoreScale.demoScore(d.value()), d.rationale())).toList();
            }
            String description = v.template == null ? null : "Jury judge from template " + v.template + "; answer: "
                    + answer.name().toLowerCase(java.util.Locale.ROOT) + (answer == AnswerKind.SCORE
                    ? " (1–5; Jury stores yes when the score is above " + v.scoreThreshold + ", the score_threshold)"
                    : answer == AnswerKind.PER_CHUNK ? " (asked once per retrieved chunk; yes when at least half "
                    + "are relevant)" : "") + ".";
            return MlflowJudge.serialize(v.judge.name, v.instructions, v.model, v.inferenceParams, rubric, shown,
                    guidelines, description);
        }
    }

    /** One line of a judge's version list. */
    public record VersionSummary(int version, String model, Map<String, Object> inferenceParams, int rubricVersion,
                                 int demos, int memoryExamples, Map<String, Object> tags, Integer parentVersion,
                                 List<String> aliases, String createdBy, Instant createdAt) {

        /** Every version of a judge (newest first, as {@link JudgeService#versions} lists them) with its aliases. */
        public static List<VersionSummary> of(List<JudgeVersion> versions, Map<Integer, List<String>> aliases) {
            return versions.stream().map(v -> new VersionSummary(v.version, v.model, v.inferenceParams,
                    v.rubricVersion.version, v.demos == null ? 0 : v.demos.size(), v.memorySize(), v.tags,
                    v.parentVersion(),
                    aliases.getOrDefault(v.version, List.of()), v.createdBy, v.createdAt)).toList();
        }
    }

    @POST
    @RolesAllowed(Roles.ADMIN)
    public Response create(@PathParam("exp") String exp, CreateJudge body) {
        if (body == null) {
            throw ProblemException.invalid("name", "Send the judge as a JSON object: {name, instructions, model, "
                    + "inference_params?}.");
        }
        Integer threshold = threshold(body.threshold());
        JudgeVersion created;
        if (body.template() != null && !body.template().isBlank()) {
            created = judges.createFromTemplate(exp, body.template(), body.name(), body.instructions(), body.model(),
                    params(body.inferenceParams()), new TemplateParams(body.guidelines(), body.criterion(), threshold),
                    user.username());
        } else {
            if ((body.guidelines() != null && !body.guidelines().isEmpty()) || body.criterion() != null) {
                throw ProblemException.invalid("template", "guidelines and criterion are parameters of a judge "
                        + "template: add \"template\" (one of " + JudgeTemplates.keys() + ").");
            }
            created = judges.create(exp, body.name(), body.instructions(), body.model(),
                    params(body.inferenceParams()), threshold, user.username(), true);
        }
        return Response.created(URI.create("/api/v1/experiments/" + exp + "/judges/" + created.judge.name
                + "?version=" + created.version)).entity(view(exp, created)).build();
    }

    /** The latest version of each judge. */
    @GET
    public List<JudgeVersionView> list(@PathParam("exp") String exp) {
        return judges.listLatest(exp).stream().map(v -> view(exp, v)).toList();
    }

    /** {@code ?version=registered|latest|N}; without it the registered version, else the latest. */
    @GET
    @Path("{name}")
    public JudgeVersionView get(@PathParam("exp") String exp, @PathParam("name") String name,
                                @QueryParam("version") String version) {
        return view(exp, judges.resolve(exp, name, version));
    }

    @GET
    @Path("{name}/versions")
    public List<VersionSummary> versions(@PathParam("exp") String exp, @PathParam("name") String name) {
        List<JudgeVersion> versions = judges.versions(exp, name);
        Map<Integer, List<String>> aliases = versions.isEmpty() ? Map.of() : judges.aliases(versions.get(0).judge.id);
        return VersionSummary.of(versions, aliases);
    }

    /** The body of {@code POST …/versions/{n}/memory/forget}: memory examples by trace id, guidelines by text. */
    public record Forget(List<String> traceIds, List<String> guidelines) {
    }

    /**
     * "Forget": a new version made from version {@code n} without the chosen memory examples and guidelines; 201
     * with the new version. No LLM call. Admins only.
     */
    @POST
    @Path("{name}/versions/{version}/memory/forget")
    @RolesAllowed(Roles.ADMIN)
    public Response forget(@PathParam("exp") String exp, @PathParam("name") String name,
                           @PathParam("version") String version, Forget body) {
        if (!version.strip().matches("[0-9]{1,9}")) {
            throw ProblemException.notFound("Judge '" + name + "' has no version '"
                    + (version.length() > 20 ? version.substring(0, 20) + "…" : version) + "'.");
        }
        Forget request = body == null ? new Forget(null, null) : body;
        JudgeVersion created = judges.forget(exp, name, version, request.traceIds(), request.guidelines(),
                user.username());
        return Response.created(URI.create("/api/v1/experiments/" + exp + "/judges/" + created.judge.name
                + "?version=" + created.version))
                .entity(view(exp, judges.resolve(exp, name, String.valueOf(created.version)))).build();
    }

    /** A whole number, or a 422 on {@code threshold}; null when absent. */
    private static Integer threshold(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isIntegralNumber() && node.canConvertToInt()) {
            return node.intValue();
        }
        if (node.isTextual() && node.asText().strip().matches("[0-9]{1,2}")) {
            return Integer.parseInt(node.asText().strip());
        }
        throw ProblemException.invalid("threshold", "The threshold is a whole number from 1 to 4 (a score above "
                + "it is yes).");
    }

    private JudgeVersionView view(String exp, JudgeVersion v) {
        return JudgeVersionView.of(exp, v, judges.aliases(v.judge.id).getOrDefault(v.version, List.of()));
    }

    /** The object's fields as numbers or text; anything else is reported by {@link InferenceParams#parse}. */
    private static Map<String, Object> params(JsonNode node) {
        Map<String, Object> map = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return map;
        }
        if (!node.isObject()) {
            throw ProblemException.invalid(InferenceParams.FIELD, "inference_params must be a JSON object such as "
                    + "{\"temperature\": 0, \"max_tokens\": 512}.");
        }
        node.fields().forEachRemaining(e -> {
            JsonNode value = e.getValue();
            if (value.isFloatingPointNumber() && !Double.isFinite(value.doubleValue())) {
                // 1e400 parses to Infinity, which no BigDecimal can hold (a 500 before issue 12's body walk)
                throw ProblemException.invalid(InferenceParams.FIELD + "." + e.getKey(),
                        e.getKey() + " must be a finite number.");
            }
            map.put(e.getKey(), value.isNull() ? null : value.isNumber() ? value.decimalValue()
                    : value.isTextual() ? value.asText() : value.toString());
        });
        return map;
    }

}
