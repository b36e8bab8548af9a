package dev.jury.review;

import dev.jury.experiments.Experiment;
import dev.jury.experiments.ExperimentService;
import dev.jury.rubrics.Rubric;
import dev.jury.security.CurrentUser;
import dev.jury.security.Roles;
import dev.jury.web.Flash;
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
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.jury.review.QueueForms.first;
import static dev.jury.review.QueueForms.knownReviewers;
import static dev.jury.review.QueueForms.splitUsernames;

/**
 * An experiment's review queues and the create form. Balanced sampling may refuse the size asked for; the page then
 * shows the exact shortfall and the two ways out (a smaller balanced queue, or this size marked unbalanced), with
 * everything typed kept. A created queue redirects to its page ({@link QueueResource}).
 */
@Path("/experiments/{exp}/queues")
@RolesAllowed(Roles.ADMIN)
@Produces(MediaType.TEXT_HTML)
public class QueueListResource {

    @Inject
    ExperimentService experiments;

    @Inject
    QueueService queues;

    @Inject
    CurrentUser user;

    /** The shortfall of a refused balanced queue and the size that would be balanced. */
    public record Shortfall(String message, int requestedSize, int largestBalancedSize) {
    }

    /** The create form exactly as typed (numbers kept as text), with errors by field. */
    public record CreateForm(String name, String judge, String tag, String from, String to, boolean judgedOnly,
                             String size, String reviewersPerItem, String balance, boolean blind, String consensusRule,
                             String leaseMinutes, Set<String> members, String moreMembers, String seed,
                             String source, String randomShare, Map<String, String> errors, Shortfall shortfall) {

        static CreateForm empty(List<String> judges) {
            return new CreateForm("", judges.isEmpty() ? "" : judges.get(0), "", "", "", false, "100", "2", "0.30",
                    true, "majority", "10", Set.of(), "", "", QueueSource.BALANCED.key(),
                    String.valueOf(QueueService.DEFAULT_RANDOM_SHARE), Map.of(), null);
        }

        static CreateForm typed(MultivaluedMap<String, String> fields) {
            return new CreateForm(first(fields, "name"), first(fields, "judge"), first(fields, "tag"),
                    first(fields, "from"), first(fields, "to"), checked(fields, "judged_only"), first(fields, "size"),
                    first(fields, "reviewers_per_item"), first(fields, "balance"), checked(fields, "blind"),
                    first(fields, "consensus_rule"), first(fields, "lease_minutes"),
                    new LinkedHashSet<>(fields.getOrDefault("members", List.of())), first(fields, "more_members"),
                    first(fields, "seed"), first(fields, "source"), first(fields, "random_share"), Map.of(), null);
        }

        CreateForm with(Map<String, String> newErrors, Shortfall newShortfall, String newSize) {
            return new CreateForm(name, judge, tag, from, to, judgedOnly, newSize, reviewersPerItem, balance, blind,
                    consensusRule, leaseMinutes, members, moreMembers, seed, source, randomShare, newErrors,
                    newShortfall);
        }

        public boolean isSource(String key) {
            return key.equalsIgnoreCase(source) || (source.isBlank() && key.equals(QueueSource.BALANCED.key()));
        }

        /** The sources offered in the form. */
        public List<QueueSource> sources() {
            return List.of(QueueSource.values());
        }

        public String error(String field) {
            return errors.get(field);
        }

        public boolean hasErrors() {
            return !errors.isEmpty();
        }

        public boolean isJudge(String candidate) {
            return candidate.equals(judge);
        }

        public boolean isRule(String rule) {
            return rule.equalsIgnoreCase(consensusRule);
        }

        public boolean isMember(String username) {
            return members.contains(username);
        }
    }

    /** One row of an experiment's queue list. */
    public record QueueRow(ReviewQueue queue, int percent) {
        static QueueRow of(ReviewQueue q) {
            return new QueueRow(q, q.size == 0 ? 0 : (int) Math.min(100, Math.round(100.0 * q.itemsComplete / q.size)));
        }
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance list(Experiment experiment, List<QueueRow> queues, List<String> judges,
                                            List<String> reviewers, CreateForm form);
    }

    @GET
    public TemplateInstance list(@PathParam("exp") String exp) {
        Experiment experiment = experiments.get(exp);
        List<String> judges = judges(experiment);
        return listPage(experiment, judges, CreateForm.empty(judges));
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response create(@PathParam("exp") String exp, MultivaluedMap<String, String> fields) {
        Experiment experiment = experiments.get(exp);
        List<String> judges = judges(experiment);
        CreateForm form = CreateForm.typed(fields);
        var errors = new LinkedHashMap<String, String>();
        String choice = first(fields, "choice");
        String sizeText = "smaller".equals(choice) ? first(fields, "balanced_size") : form.size();
        Integer size = parseInt(sizeText, "size", "The size must be a whole number of items, e.g. 200", errors);
        Integer k = parseInt(form.reviewersPerItem(), "reviewers_per_item",
                "Reviewers per item must be a whole number from 1 to 10", errors);
        Double balance = parseDouble(form.balance(), "balance", "The balance target must be a number like 0.30",
                errors);
        Integer lease = parseInt(form.leaseMinutes(), "lease_minutes", "Lease time must be a whole number of minutes",
                errors);
        Long seed = form.seed().isBlank() ? null : parseLong(form.seed(), errors);
        QueueSource source = QueueSource.parse(form.source().isBlank() ? "balanced" : form.source()).orElse(null);
        Double randomShare = source == null || !source.purposive() || form.randomShare().isBlank() ? null
                : parseDouble(form.randomShare(), "random_share",
                "The random share must be a number from 0 to 0.5, like 0.20", errors);
        Instant from = parseDay(form.from(), "from", false, errors);
        Instant to = parseDay(form.to(), "to", true, errors);
        if (from != null && to != null && !from.isBefore(to)) {
            errors.put("to", "'Created to' must not be before 'created from'.");
        }
        if (form.tag().strip().length() > 0 && !form.tag().contains("=")) {
            errors.put("tag", "A tag filter is key=value, e.g. env=prod; got '" + form.tag() + "'.");
        }
        if (!errors.isEmpty()) {
            return Response.status(422).entity(listPage(experiment, judges, form.with(errors, null, form.size())))
                    .build();
        }
        var members = new ArrayList<>(form.members());
        members.addAll(splitUsernames(form.moreMembers()));
        try {
            var queue = queues.create(exp, new QueueService.CreateQueue(form.name(), form.judge(), size, k, balance,
                    form.blind(), members, seed, "unbalanced".equals(choice),
                    new QueueService.PoolFilter(form.tag().isBlank() ? null : form.tag().strip(), from, to,
                            form.judgedOnly()),
                    form.consensusRule(), lease, form.source(), randomShare), user.username());
            return Flash.redirect("/queues/" + queue.id, "Created queue '" + queue.name + "': " + queue.size
                    + " items, " + balanceText(queue.balance) + ".");
        } catch (ProblemException e) {
            if (e.status() == 404) {
                throw e;
            }
            Shortfall shortfall = shortfall(e);
            var byField = new LinkedHashMap<String, String>();
            if (shortfall == null) {
                for (Problem.FieldError error : e.errors()) {
                    byField.putIfAbsent(error.field() == null ? "form" : error.field(), error.message());
                }
                if (byField.isEmpty()) {
                    // a source with nothing to draw from is the source's problem, another 409 the name's
                    byField.put(e.extensions().containsKey("source") ? "source" : e.status() == 409 ? "name" : "form",
                            e.getMessage());
                }
            }
            return Response.status(e.status())
                    .entity(listPage(experiment, judges, form.with(byField, shortfall, sizeText))).build();
        }
    }

    // ---- helpers --------------------------------------------------------------------------------------

    private TemplateInstance listPage(Experiment experiment, List<String> judges, CreateForm form) {
        List<QueueRow> rows = ReviewQueue.listForExperiment(experiment.id).stream().map(QueueRow::of).toList();
        return Templates.list(experiment, rows, judges, knownReviewers(), form);
    }

    private static List<String> judges(Experiment experiment) {
        return Rubric.listForExperiment(experiment.id).stream().map(r -> r.name).toList();
    }

    private static Shortfall shortfall(ProblemException e) {
        if (!(e.extensions().get("shortfall") instanceof Map<?, ?> numbers)) {
            return null;
        }
        return new Shortfall(e.getMessage(), ((Number) numbers.get("requested_size")).intValue(),
                ((Number) numbers.get("largest_balanced_size")).intValue());
    }

    static String balanceText(String balance) {
        return switch (balance) {
            case "BALANCED" -> "balanced";
            case "UNBALANCED" -> "marked unbalanced";
            default -> "unbalanced (the judge has assessed none of the pool)";
        };
    }

    private static Integer parseInt(String text, String field, String message, Map<String, String> errors) {
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            errors.put(field, message + "; got '" + text + "'.");
            return null;
        }
    }

    private static Long parseLong(String text, Map<String, String> errors) {
        try {
            return Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            errors.put("seed", "The seed must be a whole number (or empty for a random one); got '" + text + "'.");
            return null;
        }
    }

    private static Double parseDouble(String text, String field, String message, Map<String, String> errors) {
        try {
            return Double.parseDouble(text.strip());
        } catch (NumberFormatException e) {
            errors.put(field, message + "; got '" + text + "'.");
            return null;
        }
    }

    /** A day (yyyy-mm-dd, UTC); "to" is inclusive, so it becomes the start of the next day. */
    private static Instant parseDay(String text, String field, boolean endOfDay, Map<String, String> errors) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            LocalDate day = LocalDate.parse(text.strip());
            return (endOfDay ? day.plusDays(1) : day).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException e) {
            errors.put(field, "A date is written yyyy-mm-dd, e.g. 2026-11-01; got '" + text + "'.");
            return null;
        }
    }

    private static boolean checked(MultivaluedMap<String, String> fields, String name) {
        String value = fields.getFirst(name);
        return value != null && !value.isBlank() && !"false".equalsIgnoreCase(value);
    }
}
