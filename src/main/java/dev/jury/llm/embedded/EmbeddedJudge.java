package dev.jury.llm.embedded;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Jury's offline judge ({@code embedded:/minilm-knn}): answers a judge call with no network from sentence
 * embeddings. It is a small similarity classifier for trying Jury and for air-gapped use, not a replacement for an
 * LLM: it does not read or reason, it compares.
 * <ul>
 *   <li>With no labelled memory: the rubric level whose text (the judge's instructions plus the level's label and
 *       definition) is most similar to the item's text.</li>
 *   <li>With memory: a vote of the k nearest labelled examples (retrieved by the caller), weighted by similarity or
 *       uniformly, as the judge version says.</li>
 * </ul>
 * Deterministic: the same task gives the same answer; ties go to the value of the nearest example, then to rubric
 * order. The rationale names what decided, so a reviewer can follow it.
 */
public final class EmbeddedJudge {

    /** The model URI's name part: {@code embedded:/minilm-knn}. */
    public static final String MODEL = "minilm-knn";

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*\\w+\\s*}}");

    private final TextEmbedder embedder;

    public EmbeddedJudge(TextEmbedder embedder) {
        this.embedder = Objects.requireNonNull(embedder, "embedder");
    }

    /**
     * A verdict.
     *
     * @param value     one of the task's option values
     * @param rationale what decided, in words
     * @param margin    how sure: the winner's share of the vote minus the runner-up's (0 = a tie, 1 = unanimous);
     *                  for definition matching the similarity gap to the next level
     */
    public record Answer(String value, String rationale, double margin) {
    }

    public Answer answer(EmbeddedTask task) {
        if (task.options().isEmpty()) {
            throw new IllegalArgumentException("the rubric has no levels to answer from");
        }
        return task.neighbours().isEmpty() ? matchDefinitions(task) : vote(task);
    }

    /** The text the embedded judge compares with the item for one level. */
    static String optionText(String instructions, EmbeddedTask.Option option) {
        String task = PLACEHOLDER.matcher(instructions).replaceAll(" ").replaceAll("[ \\t]+", " ").strip();
        String level = (option.label() == null || option.label().isBlank() ? option.value() : option.label())
                + ": " + (option.definition() == null ? "" : option.definition().strip());
        return task.isEmpty() ? level : task + "\n" + level;
    }

    private Answer matchDefinitions(EmbeddedTask task) {
        List<String> texts = new ArrayList<>();
        texts.add(task.itemText());
        for (EmbeddedTask.Option option : task.options()) {
            texts.add(optionText(task.instructions(), option));
        }
        List<float[]> vectors = embedder.embed(texts);
        float[] item = vectors.get(0);
        int best = 0;
        double[] similarity = new double[task.options().size()];
        for (int i = 0; i < similarity.length; i++) {
            similarity[i] = TextEmbedder.similarity(item, vectors.get(i + 1));
            if (similarity[i] > similarity[best]) {
                best = i; // strictly greater: a tie keeps the earlier level (rubric order)
            }
        }
        double runnerUp = Double.NEGATIVE_INFINITY;
        StringBuilder others = new StringBuilder();
        for (int i = 0; i < similarity.length; i++) {
            if (i == best) {
                continue;
            }
            runnerUp = Math.max(runnerUp, similarity[i]);
            others.append(others.isEmpty() ? "" : ", ").append(quote(task.options().get(i).value())).append(' ')
                    .append(fmt(similarity[i]));
        }
        EmbeddedTask.Option chosen = task.options().get(best);
        String rationale = "No labelled examples in this judge version's memory, so the offline model ("
                + embedder.modelName() + ") compared the text with each rubric level's definition: closest is "
                + quote(chosen.value()) + labelOf(chosen) + " with similarity " + fmt(similarity[best])
                + (others.isEmpty() ? "" : " (" + others + ")") + ".";
        double margin = runnerUp == Double.NEGATIVE_INFINITY ? 1.0 : similarity[best] - runnerUp;
        return new Answer(chosen.value(), rationale, margin);
    }

    private Answer vote(EmbeddedTask task) {
        List<EmbeddedTask.Neighbour> near = task.neighbours();
        boolean bySimilarity = task.weighting() == EmbeddedTask.Weighting.SIMILARITY
                && near.stream().anyMatch(n -> n.similarity() > 0);
        Map<String, Double> tally = new LinkedHashMap<>();
        for (EmbeddedTask.Option option : task.options()) {
            tally.put(option.value(), 0.0);
        }
        double total = 0.0;
        for (EmbeddedTask.Neighbour n : near) {
            String value = canonical(task, n.value());
            if (!tally.containsKey(value)) {
                continue; // labelled under a value this rubric version no longer allows: no vote
            }
            double weight = bySimilarity ? Math.max(0.0, n.similarity()) : 1.0;
            tally.merge(value, weight, Double::sum);
            total += weight;
        }
        // Winner: most weight; a tie goes to the value of the nearest neighbour among the tied, then rubric order.
        double top = tally.values().stream().mapToDouble(Double::doubleValue).max().orElse(0.0);
        List<String> tied = tally.entrySet().stream().filter(e -> e.getValue() == top).map(Map.Entry::getKey).toList();
        String winner = tied.get(0);
        if (tied.size() > 1) {
            for (EmbeddedTask.Neighbour n : near) {
                String value = canonical(task, n.value());
                if (tied.contains(value) && (bySimilarity ? n.similarity() > 0 : true)) {
                    winner = value;
                    break;
                }
            }
        }
        String chosen = winner;
        double second = tally.entrySet().stream().filter(e -> !e.getKey().equals(chosen))
                .mapToDouble(Map.Entry::getValue).max().orElse(0.0);
        StringBuilder examples = new StringBuilder();
        for (EmbeddedTask.Neighbour n : near) {
            examples.append(examples.isEmpty() ? "" : ", ").append("trace ").append(n.traceId()).append(' ')
                    .append(quote(canonical(task, n.value()))).append(" (").append(fmt(n.similarity())).append(')');
        }
        StringBuilder votes = new StringBuilder();
        tally.forEach((value, weight) -> {
            if (weight > 0) {
                votes.append(votes.isEmpty() ? "" : ", ").append(quote(value)).append(' ').append(fmt(weight));
            }
        });
        String rationale = "The " + near.size() + " most similar labelled example" + (near.size() == 1 ? "" : "s")
                + " in memory: " + examples + ". " + (bySimilarity ? "Similarity-weighted" : "Unweighted")
                + " vote: " + votes + ", so " + quote(chosen) + ". (Offline model " + embedder.modelName() + ".)";
        double margin = total == 0.0 ? 0.0 : (top - second) / total;
        return new Answer(chosen, rationale, margin);
    }

    /** The option value a stored label stands for (labels are compared trimmed and case-folded, as elsewhere). */
    private static String canonical(EmbeddedTask task, String value) {
        String wanted = value == null ? "" : value.strip();
        for (EmbeddedTask.Option option : task.options()) {
            if (option.value().strip().equalsIgnoreCase(wanted)) {
                return option.value();
            }
        }
        return wanted;
    }

    private static String labelOf(EmbeddedTask.Option option) {
        return option.label() == null || option.label().isBlank() ? "" : " (" + option.label().strip() + ")";
    }

    private static String quote(String value) {
        return "\"" + value + "\"";
    }

    private static String fmt(double value) {
        return String.format(Locale.ROOT, "%.3f", value);
    }
}
