package dev.jury.review;

import dev.jury.rubrics.RubricSpec;
import dev.jury.security.CurrentUser;
import dev.jury.security.Roles;
import dev.jury.traces.TraceContent;
import dev.jury.web.Htmx;
import dev.jury.web.ProblemException;
import com.fasterxml.jackson.databind.JsonNode;
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
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.RestQuery;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The reviewer's page: one item at a time beside the rubric. Submit, skip and edit post a form; with htmx only the
 * item region is swapped, and the answer already holds the next item (the dispenser leases it in the same request),
 * so the reviewer never waits on a second round trip. Without JavaScript the same forms post and redirect back.
 * Members only: anyone else gets "not found". Reviewers never see other reviewers' labels or identities.
 */
@Path("/review")
@RolesAllowed(Roles.REVIEWER)
@Produces(MediaType.TEXT_HTML)
public class ReviewResource {

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    @Inject
    ReviewService reviews;

    @Inject
    CurrentUser user;

    /**
     * Everything the item region shows. {@code mode}: {@code label} (the live item), {@code edit} (an earlier item
     * reached with Back), {@code empty} (nothing left for this reviewer), {@code closed}.
     */
    public record ReviewView(QueueService.MemberQueue queue, String mode, ReviewService.Progress progress,
                             Long leaseId, String token, Instant expiresAt, long traceId,
                             TraceContent inputs, TraceContent outputs, TraceContent expectations,
                             String rubricName, int rubricVersion, List<LevelOption> levels, String guidelines,
                             boolean rationaleRequired, int minRationaleLength, String rationale,
                             String judgeValue, String judgeRationale, boolean skipped,
                             String valueError, String rationaleError, String error, String notice, boolean oob,
                             List<dev.jury.judges.templates.TraceFields.Chunk> chunks) {

        /** The item is labelled chunk by chunk (a per-chunk judge's queue, the live item only). */
        public boolean perChunk() {
            return chunks != null && !chunks.isEmpty() && !isEdit();
        }

        public boolean isEdit() {
            return "edit".equals(mode);
        }

        public boolean hasItem() {
            return "label".equals(mode) || "edit".equals(mode);
        }

        public boolean isClosed() {
            return "closed".equals(mode);
        }

        public boolean showJudge() {
            return judgeValue != null;
        }

        public boolean hasErrors() {
            return valueError != null || rationaleError != null || error != null;
        }

        public String heldUntil() {
            return expiresAt == null ? "" : CLOCK.format(expiresAt);
        }

        public String heldUntilIso() {
            return expiresAt == null ? "" : expiresAt.toString();
        }

        public int percentComplete() {
            return progress.size() == 0 ? 0 : (int) Math.min(100, Math.round(100.0 * progress.complete() / progress.size()));
        }

        public String base() {
            return "/review/" + queue.id();
        }

        /** Where Back goes: the item before this one (or the latest labelled one when nothing is held). */
        public String backUrl() {
            return base() + "/previous" + (leaseId == null ? "" : "?before=" + leaseId);
        }

        public String rationaleHelp() {
            if (!rationaleRequired) {
                return "Optional: why this level fits.";
            }
            return minRationaleLength > 0 ? "Required, at least " + minRationaleLength + " characters."
                    : "Required: say briefly why this level fits.";
        }

        ReviewView withOob() {
            return new ReviewView(queue, mode, progress, leaseId, token, expiresAt, traceId, inputs, outputs,
                    expectations, rubricName, rubricVersion, levels, guidelines, rationaleRequired,
                    minRationaleLength, rationale, judgeValue, judgeRationale, skipped, valueError, rationaleError,
                    error, notice, true, chunks);
        }
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance review(ReviewView view);

        static native TemplateInstance item(ReviewView view);
    }

    /** The reviewer's live item (a reload returns the same lease), or the "nothing left" state. */
    @GET
    @Path("{queue}")
    public Response page(@PathParam("queue") long queueId, HttpHeaders headers) {
        return answer(200, current(queueId, null), headers, null);
    }

    @POST
    @Path("{queue}/submit")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response submit(@PathParam("queue") long queueId, @RestForm String lease, @RestForm String token,
                           @RestForm String value, @RestForm String rationale,
                           @RestForm("chunk_count") String chunkCount, @RestForm List<String> relevant,
                           HttpHeaders headers) {
        long leaseId = leaseId(lease);
        boolean perChunk = chunkCount != null && !chunkCount.isBlank();
        return act(queueId, leaseId, new Typed("label", value, rationale),
                () -> {
                    if (perChunk) {
                        reviews.submitChunks(queueId, leaseId, reviewer(), token, number("chunk_count", chunkCount),
                                relevant == null ? List.of() : relevant.stream().map(r -> number("relevant", r))
                                        .toList(), rationale);
                    } else {
                        reviews.submit(queueId, leaseId, reviewer(), token, value, rationale);
                    }
                },
                new Done("Label saved.", "Label saved.", null), headers);
    }

    @POST
    @Path("{queue}/skip")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response skip(@PathParam("queue") long queueId, @RestForm String lease, @RestForm String token,
                         @RestForm String reason, HttpHeaders headers) {
        long leaseId = leaseId(lease);
        return act(queueId, leaseId, new Typed("label", null, null),
                () -> reviews.skip(queueId, leaseId, reviewer(), token, reason),
                new Done("Skipped; you will not be offered this item again.", "Skipped.", null), headers);
    }

    /** Back: the reviewer's item before {@code before} (their latest when absent), with their label preselected. */
    @GET
    @Path("{queue}/previous")
    public Response previous(@PathParam("queue") long queueId, @RestQuery String before, HttpHeaders headers) {
        Long beforeId = before == null || before.isBlank() ? null : leaseId(before);
        Optional<ReviewService.ItemView> previous = reviews.previous(queueId, reviewer(), beforeId);
        if (previous.isEmpty()) {
            return answer(200, current(queueId, "There is no earlier item of yours in this queue."), headers,
                    "/review/" + queueId);
        }
        var item = previous.get();
        String chosen = item.myLabel() == null ? null : item.myLabel().value;
        String rationale = item.myLabel() == null ? "" : item.myLabel().rationale;
        String pushUrl = "/review/" + queueId + "/previous" + (beforeId == null ? "" : "?before=" + beforeId);
        return answer(200, itemView(item, "edit", chosen, rationale, null, null), headers, pushUrl);
    }

    /** Saves a changed earlier label (it supersedes the old one), then returns to the live item. */
    @POST
    @Path("{queue}/edit")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response edit(@PathParam("queue") long queueId, @RestForm String lease, @RestForm String value,
                         @RestForm String rationale, HttpHeaders headers) {
        long leaseId = leaseId(lease);
        return act(queueId, leaseId, new Typed("edit", value, rationale),
                () -> reviews.edit(queueId, leaseId, reviewer(), value, rationale),
                new Done("Your earlier label was changed.", "Your earlier label was changed.", "/review/" + queueId),
                headers);
    }

    // ---- helpers --------------------------------------------------------------------------------------

    /** A whole number from a form field, else 422 naming it. */
    private static int number(String field, String text) {
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw dev.jury.web.ProblemException.invalid(field, field + " must be a whole number, got '"
                    + (text.length() > 20 ? text.substring(0, 20) + "…" : text) + "'.");
        }
    }

    /** What the reviewer posted, shown again if the action is refused; {@code mode} as in {@link ReviewView}. */
    private record Typed(String mode, String value, String rationale) {
    }

    /**
     * What a saved action says: {@code flash} on the page a plain post is redirected to, {@code notice} in the htmx
     * answer, and the URL that answer puts in the address bar ({@code null}: unchanged).
     */
    private record Done(String flash, String notice, String pushUrl) {
    }

    /**
     * The one path of submit, skip and edit: run {@code action}; if it is refused, the same item again with what
     * was typed and why; else Post/Redirect/Get for a plain post, or for htmx the next item at once.
     */
    private Response act(long queueId, long leaseId, Typed typed, Runnable action, Done done, HttpHeaders headers) {
        try {
            action.run();
        } catch (ProblemException e) {
            return rejected(queueId, leaseId, typed, e, headers);
        }
        return Htmx.redirectOrFragment(headers, "/review/" + queueId, done.flash(),
                () -> answer(200, current(queueId, done.notice()), headers, done.pushUrl()));
    }

    /** The same item again with what was typed and the reason it was refused (422 invalid, 409 conflict). */
    private Response rejected(long queueId, long leaseId, Typed typed, ProblemException e, HttpHeaders headers) {
        if (e.status() == 404) {
            throw e;
        }
        var item = reviews.ownLease(queueId, leaseId, reviewer());
        String general = e.messageFor("value") == null && e.messageFor("rationale") == null ? e.getMessage() : null;
        String mode = "edit".equals(typed.mode()) || !reviews.isOpenLease(leaseId, reviewer()) ? "edit" : "label";
        return answer(e.status(), itemView(item, mode, typed.value(),
                typed.rationale() == null ? "" : typed.rationale(),
                new String[]{e.messageFor("value"), e.messageFor("rationale"), general}, null), headers, null);
    }

    /**
     * The live item (or the empty/closed state) from {@link ReviewService#next}'s one transaction: this runs for
     * every label, so it loads no entity (docs/performance.md, "Reviewer loop through the htmx pages").
     */
    private ReviewView current(long queueId, String notice) {
        var reviewer = reviewer();
        ReviewService.Next next = reviews.next(queueId, reviewer, true);
        QueueService.MemberQueue queue = next.queue();
        return next.item()
                .map(item -> liveView(queue, item, notice))
                .orElseGet(() -> new ReviewView(queue, queue.open() ? "empty" : "closed",
                        reviews.progress(queue, reviewer), null, null, null, 0, null, null, null, null, 0, List.of(),
                        "", false, 0, "", null, null, false, null, null, null, notice, false, List.of()));
    }

    private static ReviewView liveView(QueueService.MemberQueue queue, ReviewService.LoopItem item, String notice) {
        RubricSpec spec = item.rubric().spec();
        JsonNode outputs = TraceContent.parse(item.outputs());
        var judge = item.judge();
        return new ReviewView(queue, "label", item.progress(), item.offer().leaseId(), item.offer().token().toString(),
                item.offer().expiresAt(), item.offer().traceId(), TraceContent.of(TraceContent.parse(item.inputs())),
                TraceContent.of(outputs), TraceContent.of(TraceContent.parse(item.expectations())),
                queue.judgeName(), item.rubric().version(), LevelOption.listFor(spec, null), spec.guidelines(),
                spec.rationaleRequired(), spec.minRationaleLength(), "",
                judge == null ? null : judge.value(), judge == null ? null : judge.rationale(), false,
                null, null, null, notice, false,
                ReviewService.chunksToLabel(item.perChunk(), outputs, TraceContent.parse(item.spans())));
    }

    /** An item shown again: Back (mode {@code edit}), or refused with what was typed and why. */
    private ReviewView itemView(ReviewService.ItemView item, String mode, String chosen, String rationale,
                                String[] errors, String notice) {
        RubricSpec spec = item.rubric().spec();
        List<LevelOption> levels = LevelOption.listFor(spec, chosen);
        var trace = item.trace();
        var judge = item.judge();
        boolean skipped = "edit".equals(mode) && item.myLabel() == null;
        return new ReviewView(item.queue(), mode, item.progress(), item.offer().leaseId(),
                item.offer().token().toString(), "edit".equals(mode) ? null : item.offer().expiresAt(), trace.id,
                TraceContent.of(trace.inputs), TraceContent.of(trace.outputs), TraceContent.of(trace.expectations),
                item.queue().judgeName(), item.rubric().version(), levels, spec.guidelines(), spec.rationaleRequired(),
                spec.minRationaleLength(), rationale == null ? "" : rationale,
                judge == null ? null : judge.value, judge == null ? null : judge.rationale, skipped,
                errors == null ? null : errors[0], errors == null ? null : errors[1], errors == null ? null : errors[2],
                notice, false, "edit".equals(mode) ? List.of() : reviews.chunksToLabel(item));
    }

    /** One handler, two answers: the item region for htmx (with the notice out of band), else the whole page. */
    private static Response answer(int status, ReviewView view, HttpHeaders headers, String pushUrl) {
        return Htmx.page(headers, () -> Templates.review(view), () -> Templates.item(view.withOob()))
                .status(status).pushUrl(pushUrl).build();
    }

    private static long leaseId(String raw) {
        try {
            return Long.parseLong(raw == null ? "" : raw.strip());
        } catch (NumberFormatException e) {
            throw ProblemException.notFound("No lease '" + raw + "' of yours.");
        }
    }

    private ReviewService.Reviewer reviewer() {
        return new ReviewService.Reviewer(user.subject(), user.username());
    }
}
