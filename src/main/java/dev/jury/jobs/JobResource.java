package dev.jury.jobs;

import dev.jury.security.CurrentUser;
import dev.jury.security.Roles;
import dev.jury.web.Flash;
import dev.jury.web.Htmx;
import dev.jury.web.ProblemException;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.RestQuery;

import java.util.List;

/** Admin pages: recent jobs, and one job's progress, log and cancel button. */
@Path("/jobs")
@RolesAllowed(Roles.ADMIN)
@Produces(MediaType.TEXT_HTML)
public class JobResource {

    /** How many log lines the job page shows (the newest). */
    static final int LOG_TAIL = 200;

    @Inject
    JobService jobs;

    @Inject
    CurrentUser user;

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance list(List<Job> jobs, String type);

        static native TemplateInstance detail(Job job, List<JobLog> log);

        /** The region the page polls while the job is queued or running. */
        static native TemplateInstance detail$progress(Job job, List<JobLog> log);
    }

    @GET
    public TemplateInstance list(@RestQuery String type) {
        return Templates.list(jobs.listRecent(type, 100), type == null ? "" : type);
    }

    /** The whole page, or only its progress region for htmx polling (which stops once the job has finished). */
    @GET
    @Path("{id}")
    public Response detail(@PathParam("id") long id, @Context HttpHeaders headers) {
        Job job = jobs.get(id);
        List<JobLog> log = jobs.logTail(id, LOG_TAIL);
        return Htmx.page(headers, () -> Templates.detail(job, log), () -> Templates.detail$progress(job, log)).build();
    }

    @POST
    @Path("{id}/cancel")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response cancel(@PathParam("id") long id) {
        try {
            Job job = jobs.cancel(id, user.username());
            String message = job.status == JobStatus.CANCELLED
                    ? "Job " + id + " was cancelled."
                    : "Cancel requested; job " + id + " stops after its current item.";
            return Flash.redirect("/jobs/" + id, message);
        } catch (ProblemException e) {
            if (e.status() == 409) {
                return Flash.redirect("/jobs/" + id, e.getMessage());
            }
            throw e;
        }
    }
}
