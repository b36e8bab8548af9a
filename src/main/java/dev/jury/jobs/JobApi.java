package dev.jury.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jury.security.CurrentUser;
import dev.jury.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.RestQuery;

import java.time.Instant;
import java.util.List;

/** Job status for scripts and other pages: {@code GET /api/v1/jobs/{id}}, cancel, recent jobs. */
@Path("/api/v1/jobs")
@RolesAllowed(Roles.ADMIN)
@Produces(MediaType.APPLICATION_JSON)
public class JobApi {

    @Inject
    JobService jobs;

    @Inject
    CurrentUser user;

    public record Progress(long done, long total) {
    }

    /** A job as the API shows it (snake_case on the wire: {@code started_at}, {@code cancel_requested}, …). */
    public record JobView(long id, String type, JobStatus status, Progress progress, long errors,
                          boolean cancelRequested, int attempts, String createdBy, Instant createdAt,
                          Instant startedAt, Instant finishedAt, String error, JsonNode result, Instant notBefore) {
        public static JobView of(Job job) {
            return new JobView(job.id, job.type, job.status, new Progress(job.progressDone, job.progressTotal),
                    job.progressErrors, job.cancelRequested, job.attempts, job.createdBy, job.createdAt,
                    job.startedAt, job.finishedAt, job.error, job.result, job.isHandedBack() ? job.notBefore : null);
        }
    }

    /** The newest jobs, optionally of one type. */
    @GET
    public List<JobView> list(@RestQuery String type, @RestQuery @DefaultValue("50") int limit) {
        return jobs.listRecent(type, limit).stream().map(JobView::of).toList();
    }

    @GET
    @Path("{id}")
    public JobView get(@PathParam("id") long id) {
        return JobView.of(jobs.get(id));
    }

    /** Cancels a queued job at once, asks a running one to stop; 409 when it has already finished. */
    @POST
    @Path("{id}/cancel")
    public JobView cancel(@PathParam("id") long id) {
        return JobView.of(jobs.cancel(id, user.username()));
    }
}
