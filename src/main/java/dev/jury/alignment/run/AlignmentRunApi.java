package dev.jury.alignment.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jury.alignment.dataset.DataSet;
import dev.jury.alignment.dataset.DataSetSummary;
import dev.jury.jobs.JobLog;
import dev.jury.security.CurrentUser;
import dev.jury.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import java.time.Instant;
import java.util.List;

/** One alignment run as JSON: status, progress, log tail, metrics before/after, result; cancel. Admins only. */
@Path("/api/v1/alignments")
@RolesAllowed(Roles.ADMIN)
@Produces(MediaType.APPLICATION_JSON)
public class AlignmentRunApi {

    static final int LOG_TAIL = 200;

    @Inject
    AlignmentRunService runs;

    @Inject
    CurrentUser user;

    @Inject
    ObjectMapper json;

    public record ProgressView(long done, long total, int percent, JsonNode optimizer) {
    }

    public record LogLine(String level, String message, Instant at) {
    }

    public record RunView(long runId, Long jobId, String experiment, String judge, String status, int baseVersion,
                          Integer resultVersion, String optimizer, JsonNode params, String reflectionModel, long seed,
                          double heldoutFraction, boolean rebalance, Integer rubricVersion, ProgressView progress,
                          DataSetSummary dataSet, JsonNode metrics, String outcome, String error, long llmCalls,
                          long inputTokens, long outputTokens, String compareUrl, List<LogLine> log,
                          String createdBy, Instant createdAt, Instant finishedAt) {
    }

    /** Status, progress, the log tail (INFO and above; {@code ?debug=true} adds DEBUG), metrics and result. */
    @GET
    @Path("{id}")
    public RunView get(@PathParam("id") long id, @QueryParam("debug") boolean debug) {
        var details = runs.get(id);
        return view(details, runs.log(details, debug, LOG_TAIL), json);
    }

    /** Cancels a queued or running run; 409 once it has finished. */
    @POST
    @Path("{id}/cancel")
    public RunView cancel(@PathParam("id") long id) {
        return view(runs.cancel(id, user.username()), List.of(), json);
    }

    static RunView view(AlignmentRunService.RunDetails d, List<JobLog> log, ObjectMapper json) {
        var run = d.run();
        var job = d.job();
        DataSetSummary summary;
        try {
            summary = DataSetSummary.of(json.treeToValue(run.dataSet, DataSet.class));
        } catch (Exception e) {
            throw new IllegalStateException("alignment_run " + run.id + " has an unreadable data set", e);
        }
        ProgressView progress = new ProgressView(job == null ? 0 : job.progressDone,
                job == null ? 0 : job.progressTotal, job == null ? 0 : job.percent(), run.progress);
        return new RunView(run.id, run.jobId, d.experiment(), d.judge(), d.status().name(), d.baseVersion(),
                d.resultVersion(), run.optimizer, run.params, run.reflectionModel, run.seed, run.heldoutFraction,
                run.rebalance, run.rubricVersion, progress, summary, run.metrics, run.outcome,
                run.error != null ? run.error : job != null && job.status.isFinished() ? job.error : null,
                run.llmCalls, run.inputTokens, run.outputTokens, d.compareUrl(),
                log.stream().map(l -> new LogLine(l.level.name(), l.message, l.at)).toList(), run.createdBy,
                run.createdAt, run.finishedAt);
    }

}
