package dev.jury.review;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Draws a review queue from a pool of traces so that at least ⌈b·N⌉ items are predicted negative and at least
 * ⌈b·N⌉ predicted positive by the judge (review-and-rubric.md, "Balanced sampling"). Seeded and reproducible:
 * the same pool (in the same order), size, target and seed give the same queue.
 *
 * <p>Pure: the caller supplies the pool with the judge's predicted polarity per trace.
 */
public final class BalancedSampler {

    /** One pooled trace with its predicted polarity. */
    public record Candidate(long traceId, Polarity predicted) {
    }

    /** One drawn item; higher priority is offered first. */
    public record Item(long traceId, Polarity predicted, int priority) {
    }

    /** How the drawn queue relates to the balance target. */
    public enum Balance {
        /** Both sides meet the target. */
        BALANCED,
        /** Created although the pool could not meet the target (the admin chose so). */
        UNBALANCED,
        /** No judge predictions at all: sampled uniformly, balance unknown. */
        UNBALANCED_UNKNOWN
    }

    /** The drawn queue. */
    public record Draw(List<Item> items, Balance balance, long predictedNegative, long predictedPositive) {
        public double predictedNegativeShare() {
            return items.isEmpty() ? 0 : (double) predictedNegative / items.size();
        }
    }

    /**
     * Why a balanced queue of the requested size cannot be drawn, with the exact numbers, and the largest size
     * that can be (0 when none can).
     */
    public record Shortfall(int requestedSize, int needPerSide, long poolSize, long poolNegative, long poolPositive,
                            int largestBalancedSize) {

        public String message() {
            var parts = new ArrayList<String>();
            if (poolNegative < needPerSide) {
                parts.add("pool has " + poolNegative + " predicted negatives; a balanced queue of " + requestedSize
                        + " needs " + needPerSide);
            }
            if (poolPositive < needPerSide) {
                parts.add("pool has " + poolPositive + " predicted positives; a balanced queue of " + requestedSize
                        + " needs " + needPerSide);
            }
            if (poolSize < requestedSize) {
                parts.add("pool has " + poolSize + " traces; a queue of " + requestedSize + " needs " + requestedSize);
            }
            String choices = largestBalancedSize > 0
                    ? "Create a smaller balanced queue of " + largestBalancedSize + ", or create it anyway marked unbalanced."
                    : "No balanced queue can be drawn from this pool; create it anyway marked unbalanced, or widen the pool.";
            return String.join("; ", parts) + ". " + choices;
        }
    }

    /** Either a draw or a shortfall. */
    public sealed interface Outcome permits Drawn, Short {
    }

    public record Drawn(Draw draw) implements Outcome {
    }

    public record Short(Shortfall shortfall) implements Outcome {
    }

    private BalancedSampler() {
    }

    /** ⌈b·N⌉, computed without floating-point surprises for targets such as 0.3 and 0.35. */
    public static int needPerSide(int size, double balance) {
        long scaled = Math.round(balance * 1_000_000);
        return (int) ((scaled * size + 999_999) / 1_000_000);
    }

    /**
     * Draws a queue of {@code size} items with balance target {@code balance}. When the pool cannot meet the
     * target and {@code allowUnbalanced} is false, returns the shortfall instead.
     */
    public static Outcome draw(List<Candidate> pool, int size, double balance, long seed, boolean allowUnbalanced) {
        if (size < 1) {
            throw new IllegalArgumentException("size must be at least 1");
        }
        if (balance < 0 || balance > 0.5) {
            throw new IllegalArgumentException("balance target must be between 0 and 0.5");
        }
        // Work on pool positions, so the draw depends only on the pool's order and the seed.
        var negatives = new ArrayList<Integer>();
        var positives = new ArrayList<Integer>();
        var unknown = new ArrayList<Integer>();
        for (int i = 0; i < pool.size(); i++) {
            switch (pool.get(i).predicted()) {
                case NEGATIVE -> negatives.add(i);
                case POSITIVE -> positives.add(i);
                case UNKNOWN -> unknown.add(i);
            }
        }
        var random = new Random(seed);
        if (negatives.isEmpty() && positives.isEmpty()) {
            var chosen = sample(unknown, Math.min(size, unknown.size()), random);
            return new Drawn(prioritise(pool, chosen, Balance.UNBALANCED_UNKNOWN, random));
        }

        int need = needPerSide(size, balance);
        boolean enough = negatives.size() >= need && positives.size() >= need && pool.size() >= size;
        if (!enough && !allowUnbalanced) {
            return new Short(new Shortfall(size, need, pool.size(), negatives.size(), positives.size(),
                    largestBalancedSize(pool.size(), negatives.size(), positives.size(), size, balance)));
        }

        int takeNegative = Math.min(need, negatives.size());
        int takePositive = Math.min(need, positives.size());
        Collections.shuffle(negatives, random);
        Collections.shuffle(positives, random);
        var chosen = new ArrayList<Integer>(size);
        chosen.addAll(negatives.subList(0, takeNegative));
        chosen.addAll(positives.subList(0, takePositive));
        var rest = new ArrayList<Integer>(pool.size());
        rest.addAll(negatives.subList(takeNegative, negatives.size()));
        rest.addAll(positives.subList(takePositive, positives.size()));
        rest.addAll(unknown);
        Collections.sort(rest);
        int fill = Math.min(size - chosen.size(), rest.size());
        chosen.addAll(sample(rest, fill, random));
        return new Drawn(prioritise(pool, chosen, enough ? Balance.BALANCED : Balance.UNBALANCED, random));
    }

    /** The largest n ≤ min(size, pool) with ⌈b·n⌉ ≤ both sides; 0 if none. */
    static int largestBalancedSize(long pool, long negatives, long positives, int size, double balance) {
        for (int n = (int) Math.min(size, pool); n >= 1; n--) {
            int need = needPerSide(n, balance);
            if (need <= negatives && need <= positives) {
                return n;
            }
        }
        return 0;
    }

    private static List<Integer> sample(List<Integer> from, int count, Random random) {
        var copy = new ArrayList<>(from);
        Collections.shuffle(copy, random);
        return copy.subList(0, count);
    }

    /** Random priorities, so the dispensing order does not follow the strata (adaptive dispensing steers balance). */
    private static Draw prioritise(List<Candidate> pool, List<Integer> chosen, Balance balance, Random random) {
        var order = new ArrayList<>(chosen);
        Collections.shuffle(order, random);
        var items = new ArrayList<Item>(order.size());
        long negative = 0;
        long positive = 0;
        for (int i = 0; i < order.size(); i++) {
            Candidate c = pool.get(order.get(i));
            items.add(new Item(c.traceId(), c.predicted(), order.size() - i));
            if (c.predicted() == Polarity.NEGATIVE) {
                negative++;
            } else if (c.predicted() == Polarity.POSITIVE) {
                positive++;
            }
        }
        return new Draw(List.copyOf(items), balance, negative, positive);
    }
}
