package dev.jury.review;

import dev.jury.experiments.Experiment;
import dev.jury.security.AuditLog;
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
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

import static dev.jury.review.QueueForms.first;
import static dev.jury.review.QueueForms.knownReviewers;
import static dev.jury.review.QueueForms.splitUsernames;

/**
 * The admin page of one review queue: live progress polled by htmx, reviewers, balance, disagreements (linking to
 * adjudication), membership, close/reopen, exports and the audit trail. Every change is a form post answered with a
 * redirect. Creating queues is on the experiment's queue list ({@link QueueListResource}).
 */
@Path("/queues")
@RolesAllowed(Roles.ADMIN)
@Produces(MediaType.TEXT_HTML)
public class QueueResource {

    @Inject
    QueueService queues;

    @Inject
    QueueStats stats;

    @Inject
    AuditLog audit;

    @Inject
    CurrentUser user;

    /** What the queue page shows around the live region. */
    public record QueuePage(ReviewQueue queue, Experiment experiment, int rubricVersion, List<String> members,
                            List<String> addable, String memberError, String typedMembers, AuditLog.Trail audit) {
        public String poolText() {
            if (queue.poolFilter == null || queue.poolFilter.isEmpty()) {
                return "all traces of the experiment";
            }
            var parts = new ArrayList<String>();
            queue.poolFilter.forEach((k, v) -> parts.add(switch (k) {
                case "tag" -> "tag " + v;
                case "from" -> "created from " + v;
                case "to" -> "created before " + v;
                case "judged_only" -> "only traces the judge assessed";
                default -> k + "=" + v;
            }));
            return String.join("; ", parts);
        }

        /** {@code 30%}: the least share of each side the queue aims for. */
        public String targetText() {
            return Math.round(queue.balanceTarget.doubleValue() * 100) + "%";
        }

        public int leaseMinutes() {
            return queue.leaseSeconds / 60;
        }
    }

    /** The region refreshed every few seconds: progress, balance, reviewers, disagreements. */
    /** @param strata where the items came from (shown for queues of a source other than balanced) */
    public record LiveView(ReviewQueue queue, String experiment, QueueStats.Overview overview,
                           QueueStats.Strata strata) {
        public double target() {
            return queue.balanceTarget.doubleValue();
        }

        public boolean hasConsensus() {
            return overview.balance().consensusNegative() + overview.balance().consensusPositive() > 0;
        }

        /** Median seconds per item, to a tenth: {@code 12.5}; a dash before the first timed label. */
        public String seconds(Double value) {
            return value == null ? "—" : String.format(java.util.Locale.ROOT, "%.1f", value);
        }

        public boolean consensusBelowTarget() {
            var b = overview.balance();
            long n = b.consensusNegative() + b.consensusPositive();
            double share = b.consensusNegativeShare();
            return n > 0 && (share < target() || 1 - share < target());
        }

        public String adjudicateUrl(long traceId) {
            return "/experiments/" + experiment + "/traces/" + traceId + "/adjudicate?name=" + queue.judgeName
                    + "&queue=" + queue.id;
        }
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance queue(QueuePage page, LiveView live);

        static native TemplateInstance queue$live(LiveView live);
    }

    @GET
    @Path("{id}")
    public Response queue(@PathParam("id") long id, HttpHeaders headers) {
        ReviewQueue queue = queues.get(id);
        Experiment experiment = Experiment.findById(queue.experimentId);
        var live = new LiveView(queue, experiment.name, stats.overview(queue), stats.strata(queue));
        return Htmx.page(headers, () -> Templates.queue(page(queue, experiment, null, ""), live),
                () -> Templates.queue$live(live)).build();
    }

    @POST
    @Path("{id}/close")
    public Response close(@PathParam("id") long id) {
        queues.setOpen(id, false, user.username());
        return Flash.redirect("/queues/" + id, "Queue closed: reviewers can no longer label in it.");
    }

    @POST
    @Path("{id}/reopen")
    public Response reopen(@PathParam("id") long id) {
        queues.setOpen(id, true, user.username());
        return Flash.redirect("/queues/" + id, "Queue reopened.");
    }

    @POST
    @Path("{id}/members")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response addMembers(@PathParam("id") long id, MultivaluedMap<String, String> fields) {
        ReviewQueue queue = queues.get(id);
        var usernames = new LinkedHashSet<>(fields.getOrDefault("members", List.of()));
        String typed = first(fields, "more_members");
        usernames.addAll(splitUsernames(typed));
        String error = usernames.isEmpty() ? "Tick a reviewer or type at least one username." : null;
        if (error == null) {
            try {
                queues.addMembers(queue, List.copyOf(usernames), user.username());
            } catch (ProblemException e) {
                error = e.getMessage();
            }
        }
        if (error != null) {
            Experiment experiment = Experiment.findById(queue.experimentId);
            var live = new LiveView(queue, experiment.name, stats.overview(queue), stats.strata(queue));
            return Response.status(422).entity(Templates.queue(page(queue, experiment, error, typed), live)).build();
        }
        return Flash.redirect("/queues/" + id, "Added " + String.join(", ", usernames) + ".");
    }

    @POST
    @Path("{id}/members/remove")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response removeMember(@PathParam("id") long id, MultivaluedMap<String, String> fields) {
        ReviewQueue queue = queues.get(id);
        String username = first(fields, "username").strip();
        if (!QueueMember.isMember(id, username)) {
            throw ProblemException.notFound("'" + username + "' is not a member of queue " + id + ".");
        }
        queues.removeMember(queue, username, user.username());
        return Flash.redirect("/queues/" + id, "Removed " + username + "; their labels stay.");
    }

    // ---- helpers --------------------------------------------------------------------------------------

    private QueuePage page(ReviewQueue queue, Experiment experiment, String memberError, String typedMembers) {
        List<String> members = QueueMember.listForQueue(queue.id).stream().map(m -> m.username).toList();
        List<String> addable = knownReviewers().stream().filter(u -> !members.contains(u)).toList();
        return new QueuePage(queue, experiment, queues.rubric(queue).version, members, addable, memberError,
                typedMembers, audit.page("review_queue", String.valueOf(queue.id), null, AuditLog.PAGE));
    }
}
