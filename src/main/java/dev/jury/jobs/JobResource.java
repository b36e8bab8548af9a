package dev.jury.jobs;

import dev.jury.security.CurrentUser;
import dev.jury.security.Roles;
import dev.jury.web.Flash;
import dev.jury.web.Htmx;
import dev.jury.web.ListPage;
import dev.jury.web.Problem;
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

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Admin pages: the jobs, newest first and fifty at a time, and one job's progress, log and cancel button. */
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
        static native TemplateInstance list(JobService.JobPage jobs, String type, String nextHref);

        /** One page of job rows and the "Load more" row after them, which htmx appends in place. */
        static native TemplateInstance list$rows(JobService.JobPage jobs, String type, String nextHref);

        static native TemplateInstance detail(Job job, List<JobLog> log);

        /** The region the page polls while the job is queued or running. */
        static native TemplateInstance detail$progress(Job job, List<JobLog> log);
    }

    /** The newest jobs, fifty at a time: {@code before} is the id of the oldest job already shown. */
    @GET
    public Response list(@RestQuery String type, @RestQuery String before, @Context HttpHeaders headers) {
        String shownType = type == null ? "" : type.strip();
        var page = jobs.page(shownType, cursor(before), ListPage.SIZE);
        String nextHref = page.page().hasMore() ? "/jobs?" + (shownType.isEmpty() ? ""
                : "type=" + URLEncoder.encode(shownType, StandardCharsets.UTF_8) + "&") + "before=" + page.nextBefore()
                : null;
        return Htmx.page(headers, () -> Templates.list(page, shownType, nextHref),
                () -> Templates.list$rows(page, shownType, nextHref)).build();
    }

    private static Long cursor(String before) {
        if (before == null || before.isBlank()) {
            return null;
        }
        String text = before.strip();
        if (text.matches("[0-9]{1,18}") && Long.parseLong(text) > 0) {
            return Long.parseLong(text);
        }
        String message = "'before' must be the id of a job from the list's \"Load more\" link.";
        throw new ProblemException(400, "Bad request", message, List.of(Problem.FieldError.field("before", message)));
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
