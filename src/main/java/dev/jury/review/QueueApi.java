package dev.jury.review;

import dev.jury.security.CurrentUser;
import dev.jury.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;


/** Creating queues over JSON (admins). A queue's progress and the review loop are in {@link ReviewApi}. */
@Path("/api/v1/experiments/{exp}/queues")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class QueueApi {

    @Inject
    QueueService queues;

    @Inject
    QueueStats stats;

    @Inject
    CurrentUser user;

    public record CreateRequest(String name, String judge, Integer size, Integer reviewersPerItem, Double balance,
                                Boolean blind, List<String> members, Long seed, Boolean allowUnbalanced, String tag,
                                Instant from, Instant to, Boolean judgedOnly, String consensusRule,
                                Integer leaseMinutes, String source, Double randomShare) {
    }

    /** @param strata items per stratum (BALANCED, UNCERTAIN, DISAGREE, RANDOM, VERDICT:&lt;value&gt;) */
    public record Created(long id, int size, double predictedNegativeShare, boolean balanced, String balance,
                          int rubricVersion, String source, double randomShare, Map<String, Long> strata) {
    }

    @POST
    @RolesAllowed(Roles.ADMIN)
    public Response create(@PathParam("exp") String experiment, CreateRequest r) {
        var request = r == null ? new CreateRequest(null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null) : r;
        var queue = queues.create(experiment, new QueueService.CreateQueue(request.name(), request.judge(),
                request.size(), request.reviewersPerItem(), request.balance(), request.blind(), request.members(),
                request.seed(), request.allowUnbalanced(),
                new QueueService.PoolFilter(request.tag(), request.from(), request.to(),
                        Boolean.TRUE.equals(request.judgedOnly())),
                request.consensusRule(), request.leaseMinutes(), request.source(), request.randomShare()),
                user.username());
        var overview = stats.overview(queue);
        var created = new Created(queue.id, queue.size, overview.balance().predictedNegativeShare(),
                "BALANCED".equals(queue.balance), queue.balance, queues.rubric(queue).version, queue.sourceKey(),
                queue.randomShare.doubleValue(), stats.strataCounts(queue));
        return Response.created(URI.create("/api/v1/queues/" + queue.id)).entity(created).build();
    }

}
