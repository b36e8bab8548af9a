package dev.jury.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jury.judges.Judge;
import dev.jury.judges.JudgeAlias;
import dev.jury.judges.run.JudgeCaller;
import dev.jury.judges.JudgeService;
import dev.jury.judges.JudgeVersion;
import dev.jury.judges.prompt.InstructionsTemplate;
import dev.jury.judges.prompt.Verdict;
import dev.jury.judges.run.VerdictStore;
import dev.jury.llm.LlmException;
import dev.jury.labels.Assessment;
import dev.jury.labels.SourceType;
import dev.jury.traces.Trace;
import dev.jury.web.Problem;
import dev.jury.web.ProblemException;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code POST …/judges/{name}/assess}: one call of the judge's registered version, answered synchronously (the API
 * contract returns the verdict, and it is a single LLM call bounded by the provider's timeout). With
 * {@code trace_id} the verdict is stored as that trace's {@code LLM_JUDGE} assessment through the same path judge
 * runs use ({@link VerdictStore}).
 *
 * <p>Not {@code @Transactional}: the LLM call must not hold a database connection and transaction open for up to
 * the provider's timeout, so reading the judge and storing the verdict are short transactions of their own.
 */
@ApplicationScoped
public class AssessService {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final Set<String> FIELDS = Set.of("inputs", "outputs", "expectations", "trace_id");

    @Inject
    JudgeService judges;

    @Inject
    JudgeCaller caller;

    @Inject
    VerdictStore verdicts;

    /**
     * The answer.
     *
     * @param assessmentId the stored assessment, when {@code trace_id} was given
     * @param existing     true when the trace already had this version's verdict: that one is returned and the
     *                     judge is not called again (a trace holds one valid verdict per judge version)
     * @param error        why the judge gave no valid verdict (then {@code value} is null), e.g. an answer outside
     *                     the rubric after the repair retry
     */
    public record Answer(String value, String rationale, int version, String sourceId, Long assessmentId,
                         Boolean existing, String error) {
    }

    /** What is read in the first short transaction. */
    private record Prepared(JudgeCaller.Setup setup, VerdictStore.Target target, int version, String sourceId,
                            Map<String, JsonNode> values, Answer existing) {
    }

    public Answer assess(String experiment, String name, JsonNode body, String actor) {
        Request request = Request.parse(body);
        Prepared prepared = QuarkusTransaction.requiringNew().call(() -> prepare(experiment, name, request));
        if (prepared.existing() != null) {
            return prepared.existing();
        }
        JudgeCaller.Outcome outcome;
        try {
            outcome = caller.assess(prepared.setup(), prepared.values(), null, null,
                    prepared.target() == null ? null : String.valueOf(request.traceId()));
        } catch (LlmException e) {
            throw providerFault(e, prepared);
        }
        Verdict verdict = outcome.verdict();
        Long assessmentId = null;
        VerdictStore.Target target = prepared.target();
        if (target != null) {
            ObjectNode metadata = JSON.createObjectNode().put("via", "assess").put("by", actor);
            if (verdict.isError()) {
                assessmentId = verdicts.storeError(target, verdict.error(), metadata.put("raw", verdict.raw()));
            } else {
                // Empty only if a concurrent request stored this version's verdict first: answer with that one.
                var stored = verdicts.storeVerdict(target, verdict, metadata);
                if (stored.isEmpty()) {
                    Answer first = QuarkusTransaction.requiringNew().call(() -> existingVerdict(target,
                            prepared.version()));
                    if (first != null) {
                        return first;
                    }
                }
                assessmentId = stored.orElse(null);
            }
        }
        return new Answer(verdict.isError() ? null : verdict.value(), verdict.isError() ? null : verdict.rationale(),
                prepared.version(), prepared.sourceId(), assessmentId, target == null ? null : false,
                verdict.isError() ? verdict.error() : null);
    }

    private Prepared prepare(String experiment, String name, Request request) {
        Judge judge = judges.judge(experiment, name);
        if (JudgeAlias.findFor(judge.id, JudgeAlias.REGISTERED).isEmpty()) {
            throw ProblemException.conflict("Judge '" + name + "' in experiment '" + experiment + "' has no "
                    + "registered version: register a version first (POST /api/v1/experiments/" + experiment
                    + "/judges/" + name + "/versions/{n}/register).");
        }
        JudgeVersion version = judges.resolve(experiment, name, JudgeAlias.REGISTERED);
        JudgeCaller.Setup setup = JudgeCaller.Setup.of(version);
        List<String> variables = InstructionsTemplate.reservedVariablesIn(version.instructions);
        Map<String, JsonNode> values;
        VerdictStore.Target target = null;
        if (request.traceId() != null) {
            Trace trace = Trace.findById(request.traceId());
            if (trace == null || !trace.experimentId.equals(judge.experimentId)) {
                throw ProblemException.notFound("Trace " + request.traceId() + " is not a trace of experiment '"
                        + experiment + "'.");
            }
            List<Problem.FieldError> errors = new ArrayList<>();
            differs(errors, "inputs", request.inputs(), trace.inputs, trace.id);
            differs(errors, "outputs", request.outputs(), trace.outputs, trace.id);
            differs(errors, "expectations", request.expectations(), trace.expectations, trace.id);
            if (!errors.isEmpty()) {
                throw ProblemException.invalid(errors.get(0).message(), errors);
            }
            target = VerdictStore.Target.of(trace.id, version);
            Answer existing = existingVerdict(target, version.version);
            if (existing != null) {
                return new Prepared(setup, target, version.version, version.sourceId(), null, existing);
            }
            values = JudgeCaller.values(trace);
        } else {
            List<Problem.FieldError> errors = new ArrayList<>();
            for (String variable : variables) {
                if (!variable.equals("trace") && missing(request.field(variable))) {
                    errors.add(Problem.FieldError.field(variable, variable + " is required: version "
                            + version.version + " of judge '" + name + "' uses {{ " + variable + " }}."));
                }
            }
            if (variables.contains("trace") && missing(request.inputs()) && missing(request.outputs())) {
                errors.add(Problem.FieldError.field("inputs", "Give inputs and outputs, or a trace_id: version "
                        + version.version + " of judge '" + name + "' uses {{ trace }}."));
            }
            if (!errors.isEmpty()) {
                throw ProblemException.invalid(errors.size() == 1 ? errors.get(0).message()
                        : errors.size() + " fields are missing; first: " + errors.get(0).message(), errors);
            }
            ObjectNode whole = JSON.createObjectNode();
            whole.set("inputs", request.inputs());
            whole.set("outputs", request.outputs());
            if (!missing(request.expectations())) {
                whole.set("expectations", request.expectations());
            }
            values = JudgeCaller.values(request.inputs(), request.outputs(), request.expectations(), whole);
        }
        return new Prepared(setup, target, version.version, version.sourceId(), values, null);
    }

    /** This version's current valid verdict on the trace, or {@code null}. */
    private static Answer existingVerdict(VerdictStore.Target target, int version) {
        return Assessment.<Assessment>find("traceId = ?1 and sourceId = ?2 and sourceType = ?3 and valid = true",
                        target.traceId(), target.sourceId(), SourceType.LLM_JUDGE).firstResultOptional()
                .map(a -> new Answer(a.value, a.rationale, version, target.sourceId(), a.id, true, null))
                .orElse(null);
    }

    private static void differs(List<Problem.FieldError> errors, String field, JsonNode given, JsonNode stored,
                                long traceId) {
        if (!missing(given) && !given.equals(stored == null ? JSON.nullNode() : stored)) {
            errors.add(Problem.FieldError.field(field, field + " differs from what trace " + traceId + " holds; with "
                    + "trace_id the stored trace is judged (its verdict is stored on it), so omit " + field
                    + " or send the stored value."));
        }
    }

    private static boolean missing(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode();
    }

    /** A provider fault is the provider's, not ours: 502 when it answered wrongly, 503 when it may work later. */
    private static ProblemException providerFault(LlmException e, Prepared prepared) {
        boolean later = switch (e.kind()) {
            case RATE_LIMITED, TIMEOUT, CIRCUIT_OPEN, NOT_CONFIGURED, INTERRUPTED -> true;
            default -> false;
        };
        int status = later ? 503 : 502;
        String title = later ? "Judge model unavailable" : "Judge model failed";
        return new ProblemException(status, title, "The judge's model (" + prepared.setup().model() + ") did not "
                + "answer: " + e.getMessage() + (later ? " Try again later." : ""), List.of(),
                Map.of("llm_error", e.kind().outcome(), "version", prepared.version()));
    }

    /** The request body, checked field by field (422 listing every problem). */
    record Request(JsonNode inputs, JsonNode outputs, JsonNode expectations, Long traceId) {

        JsonNode field(String name) {
            return switch (name) {
                case "inputs" -> inputs;
                case "outputs" -> outputs;
                case "expectations" -> expectations;
                default -> null;
            };
        }

        static Request parse(JsonNode body) {
            if (body == null || !body.isObject()) {
                throw ProblemException.invalid("inputs", "Send a JSON object: {inputs, outputs, expectations?, "
                        + "trace_id?}.");
            }
            List<Problem.FieldError> errors = new ArrayList<>();
            for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
                String field = names.next();
                if (!FIELDS.contains(field)) {
                    errors.add(Problem.FieldError.field(field, "Unknown field '" + RegistryService.abbreviate(field)
                            + "'; the fields are inputs, outputs, expectations, trace_id."));
                }
            }
            JsonNode expectations = body.get("expectations");
            if (!missing(expectations) && !expectations.isObject()) {
                errors.add(Problem.FieldError.field("expectations", "expectations must be a JSON object, e.g. "
                        + "{\"expected_response\": \"…\"}."));
            }
            JsonNode id = body.get("trace_id");
            Long traceId = null;
            if (!missing(id)) {
                if (id.isIntegralNumber() && id.canConvertToLong() && id.longValue() > 0) {
                    traceId = id.longValue();
                } else {
                    errors.add(Problem.FieldError.field("trace_id", "trace_id must be a trace's id, a positive "
                            + "whole number; got " + RegistryService.abbreviate(id.toString()) + "."));
                }
            }
            if (!errors.isEmpty()) {
                throw ProblemException.invalid(errors.size() == 1 ? errors.get(0).message()
                        : "The request has " + errors.size() + " problems; first: " + errors.get(0).message(), errors);
            }
            return new Request(body.get("inputs"), body.get("outputs"), expectations, traceId);
        }
    }
}
