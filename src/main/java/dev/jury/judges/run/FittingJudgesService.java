package dev.jury.judges.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jury.experiments.Experiment;
import dev.jury.experiments.ExperimentService;
import dev.jury.jobs.JobService;
import dev.jury.judges.JudgeService;
import dev.jury.judges.JudgeVersion;
import dev.jury.judges.templates.JudgeTemplate;
import dev.jury.judges.templates.JudgeTemplates;
import dev.jury.judges.templates.TemplateParams;
import dev.jury.judges.templates.TraceField;
import dev.jury.web.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * "Run the judges that fit" (Agent Evaluation's default judges): for the built-in templates, the experiment's judge
 * made from each (created from the template on demand, named like it), then a background job
 * ({@link FittingJudgesHandler}) that checks each trace's fields and starts ordinary judge runs over the traces each
 * judge fits, reporting per judge how many traces were skipped and for lack of which field.
 */
@ApplicationScoped
@Transactional
public class FittingJudgesService {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    ExperimentService experiments;

    @Inject
    JudgeService judges;

    @Inject
    JobService jobs;

    @Inject
    EntityManager em;

    /**
     * Finds or creates the judges and enqueues the job; returns its id.
     *
     * @param model     the model of judges that must be created; may be blank when all exist
     * @param templates the template keys to apply; null or empty means every built-in template
     * @throws ProblemException 422 ({@code templates}) for a key that is not a built-in template, ({@code model})
     *                          when a judge must be created and no model is given, or the model's refusal
     */
    public long start(String experimentName, String model, List<String> templates, String actor) {
        Experiment experiment = experiments.get(experimentName);
        List<JudgeTemplate> chosen = new ArrayList<>();
        if (templates == null || templates.isEmpty()) {
            chosen.addAll(JudgeTemplates.builtIn());
        } else {
            for (String key : templates) {
                JudgeTemplate t = JudgeTemplates.find(key).filter(JudgeTemplate::builtIn)
                        .orElseThrow(() -> ProblemException.invalid("templates", "'" + key + "' is not a built-in "
                                + "template; built-in templates are " + String.join(", ", JudgeTemplates.builtIn()
                                .stream().map(JudgeTemplate::key).toList()) + "."));
                if (!chosen.contains(t)) {
                    chosen.add(t);
                }
            }
        }
        long traces = ((Number) em.createNativeQuery("SELECT count(*) FROM trace WHERE experiment_id = ?1")
                .setParameter(1, experiment.id).getSingleResult()).longValue();
        if (traces == 0) {
            throw ProblemException.invalid("experiment", "No traces to run over in '" + experimentName + "'.");
        }
        List<JudgeVersion> latest = judges.listLatest(experimentName);
        ObjectNode payload = JSON.createObjectNode();
        payload.put("experiment", experimentName);
        payload.put("total", traces);
        payload.put("actor", actor);
        ArrayNode list = payload.putArray("judges");
        for (JudgeTemplate t : chosen) {
            Optional<JudgeVersion> existing = latest.stream().filter(v -> t.key().equals(v.template)).findFirst();
            JudgeVersion version = existing.orElseGet(() -> create(experimentName, t, model, latest, actor));
            ObjectNode judge = list.addObject();
            judge.put("name", version.judge.name);
            judge.put("version", version.version);
            judge.put("template", t.key());
            judge.put("created", existing.isEmpty());
            ArrayNode requires = judge.putArray("requires");
            requiredFields(t, version).forEach(f -> requires.add(f.name()));
        }
        return jobs.enqueue(FittingJudgesHandler.TYPE, payload, traces, actor);
    }

    /** A guideline judge with global guidelines needs none in the trace; its instructions tell. */
    private static List<TraceField> requiredFields(JudgeTemplate t, JudgeVersion version) {
        if (t.key().equals(JudgeTemplates.GUIDELINE_ADHERENCE) && version.instructions.contains("Guidelines:\n1. ")) {
            return t.requires().stream().filter(f -> f != TraceField.GUIDELINES).toList();
        }
        return t.requires();
    }

    private JudgeVersion create(String experimentName, JudgeTemplate t, String model, List<JudgeVersion> latest,
                                String actor) {
        if (model == null || model.isBlank()) {
            throw ProblemException.invalid("model", "The experiment has no judge from template '" + t.key()
                    + "': give the model to create it with, e.g. openai:/gpt-4.1-mini or embedded:/minilm-knn.");
        }
        if (latest.stream().anyMatch(v -> v.judge.name.equals(t.key()))) {
            throw ProblemException.invalid("templates", "Judge '" + t.key() + "' exists but was not made from the "
                    + "template; leave '" + t.key() + "' out of templates or make its next version from the template.");
        }
        return judges.createFromTemplate(experimentName, t.key(), t.key(), null, model, Map.of(),
                TemplateParams.none(), actor);
    }
}
