package dev.jury.review;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;
import dev.jury.rubrics.RubricLevel;
import dev.jury.security.CurrentUser;
import dev.jury.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The review loop over JSON — a queue's progress, next, submit, skip — for members of the queue (non-members get
 * 404) and the holder of a lease; admins also see every reviewer's counts on the queue.
 */
@Path("/api/v1")
@RolesAllowed(Roles.REVIEWER)
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class ReviewApi {

    @Inject
    ReviewService reviews;

    @Inject
    CurrentUser user;

    @Inject
    QueueService queues;

    @Inject
    QueueStats stats;

    public record AdminView(long id, String name, String experiment, String judge, String status, int size,
                            int reviewersPerItem, double balanceTarget, boolean blind, String balance,
                            long complete, long labels, QueueStats.Balance liveBalance,
                            List<QueueStats.ReviewerStats> reviewers, long disagreements, List<String> members,
                            String source, double randomShare, QueueStats.Strata strata) {
    }

    public record MemberView(long id, String name, String judge, String status, int size, boolean blind,
                             ReviewService.Progress progress) {
    }

    @GET
    @Path("queues/{id}")
    @RolesAllowed({Roles.ADMIN, Roles.REVIEWER})
    public Object queue(@PathParam("id") long id) {
        if (user.isAdmin()) {
            var queue = queues.get(id);
            var o = stats.overview(queue);
            var experiment = dev.jury.experiments.Experiment.<dev.jury.experiments.Experiment>findById(queue.experimentId);
            return new AdminView(queue.id, queue.name, experiment.name, queue.judgeName, queue.status, queue.size,
                    queue.reviewersPerItem, queue.balanceTarget.doubleValue(), queue.blind, queue.balance,
                    o.complete(), o.labels(), o.balance(), o.reviewers(), o.disagreementsTotal(),
                    QueueMember.listForQueue(id).stream().map(m -> m.username).toList(), queue.sourceKey(),
                    queue.randomShare == null ? 0 : queue.randomShare.doubleValue(), stats.strata(queue));
        }
        var queue = queues.memberQueue(id, user.username());
        return new MemberView(queue.id(), queue.name(), queue.judgeName(), queue.open() ? "OPEN" : "CLOSED",
                queue.size(), queue.blind(), reviews.progress(queue, reviewer()));
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record NextItem(long leaseId, UUID token, Instant expiresAt, TraceView trace, RubricView rubric,
                           JudgeView judgeAssessment, ReviewService.Progress progress) {
    }

    /** The trace's stored JSON, written into the answer as PostgreSQL gives it (valid JSON, never re-parsed). */
    public record TraceView(long id, @JsonRawValue String inputs, @JsonRawValue String outputs,
                            @JsonRawValue String expectations) {
    }

    public record RubricView(int version, String kind, List<RubricLevel> levels, String guidelines,
                             boolean rationaleRequired, List<String> allowedValues) {
        static RubricView of(PinnedRubrics.Pinned v) {
            var spec = v.spec();
            return new RubricView(v.version(), v.kind(), spec.levels(), spec.guidelines(), spec.rationaleRequired(),
                    v.allowedValues());
        }
    }

    public record JudgeView(String value, String rationale, String source) {
    }

    public record SubmitRequest(String token, String value, String rationale) {
    }

    public record SkipRequest(String token, String reason) {
    }

    public record Submitted(long assessmentId, boolean extra) {
    }

    @POST
    @Path("queues/{id}/next")
    public Response next(@PathParam("id") long queueId) {
        return reviews.nextItem(queueId, reviewer())
                .map(item -> Response.ok(toJson(item)).build())
                .orElseGet(() -> Response.noContent().build());
    }

    @POST
    @Path("leases/{id}/submit")
    public Response submit(@PathParam("id") long leaseId, SubmitRequest request) {
        var body = request == null ? new SubmitRequest(null, null, null) : request;
        var stored = reviews.submit(null, leaseId, reviewer(), body.token(), body.value(), body.rationale());
        return Response.status(stored.repeated() ? 200 : 201)
                .entity(new Submitted(stored.assessmentId(), stored.extra())).build();
    }

    @POST
    @Path("leases/{id}/skip")
    public Response skip(@PathParam("id") long leaseId, SkipRequest request) {
        var body = request == null ? new SkipRequest(null, null) : request;
        reviews.skip(null, leaseId, reviewer(), body.token(), body.reason());
        return Response.noContent().build();
    }

    static NextItem toJson(ReviewService.LoopItem item) {
        var judge = item.judge() == null ? null
                : new JudgeView(item.judge().value(), item.judge().rationale(), item.judge().source());
        return new NextItem(item.offer().leaseId(), item.offer().token(), item.offer().expiresAt(),
                new TraceView(item.offer().traceId(), item.inputs(), item.outputs(), item.expectations()),
                RubricView.of(item.rubric()), judge, item.progress());
    }

    private ReviewService.Reviewer reviewer() {
        return new ReviewService.Reviewer(user.subject(), user.username());
    }
}
