package dev.jury.review;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Draws a queue for every {@link QueueSource} and records where each item came from: its stratum and, for items
 * drawn at random, its inclusion probability π (docs/production.md, "Review queues fed by the judge's
 * uncertainty"). Every source obeys the same balance rule as {@link BalancedSampler}: at least ⌈b·N⌉ predicted
 * negatives and ⌈b·N⌉ predicted positives, else a {@link BalancedSampler.Shortfall} with the exact numbers (or,
 * when the admin allows it, an unbalanced queue).
 *
 * <p>Pure and seeded: the same pool (in the same order), parameters and seed give the same queue.
 */
public final class SourceSampler {

    /** Stratum names stored on {@code queue_item.stratum}. */
    public static final String BALANCED = "BALANCED";
    public static final String UNCERTAIN = "UNCERTAIN";
    public static final String DISAGREE = "DISAGREE";
    public static final String RANDOM = "RANDOM";
    public static final String VERDICT = "VERDICT:";

    /**
     * One pooled trace.
     *
     * @param verdict     the judge's current verdict value; null without one
     * @param uncertainty how unsure the judge is, 0 (sure) … 1; null when not measured
     * @param disagrees   whether the judge's verdict differs from the current human label
     */
    public record Candidate(long traceId, Polarity predicted, String verdict, Double uncertainty, boolean disagrees) {
    }

    /**
     * One drawn item; higher priority is offered first.
     *
     * @param inclusionProbability the chance the design gave this trace of being drawn; null for items chosen on
     *                             purpose (the most uncertain, the disagreements)
     */
    public record Item(long traceId, Polarity predicted, int priority, String stratum, Double inclusionProbability,
                       Double uncertainty) {
    }

    /** The drawn queue. */
    public record Draw(List<Item> items, BalancedSampler.Balance balance, long predictedNegative,
                       long predictedPositive) {
        public double predictedNegativeShare() {
            return items.isEmpty() ? 0 : (double) predictedNegative / items.size();
        }

        /** Items per stratum, in the order strata first appear. */
        public Map<String, Long> strata() {
            var counts = new TreeMap<String, Long>();
            items.forEach(i -> counts.merge(i.stratum(), 1L, Long::sum));
            return counts;
        }
    }

    /** A draw, a shortfall of the balance rule, or nothing to draw from (with the reason). */
    public sealed interface Outcome permits Drawn, Short, Nothing {
    }

    public record Drawn(Draw draw) implements Outcome {
    }

    public record Short(BalancedSampler.Shortfall shortfall) implements Outcome {
    }

    public record Nothing(String reason) implements Outcome {
    }

    private SourceSampler() {
    }

    /** Today's balanced sample ({@link BalancedSampler}), every item in stratum {@code BALANCED}. */
    public static Outcome balanced(List<Candidate> pool, int size, double balance, long seed, boolean allowUnbalanced) {
        var plain = pool.stream().map(c -> new BalancedSampler.Candidate(c.traceId(), c.predicted())).toList();
        var outcome = BalancedSampler.draw(plain, size, balance, seed, allowUnbalanced);
        if (outcome instanceof BalancedSampler.Short s) {
            return new Short(s.shortfall());
        }
        var draw = ((BalancedSampler.Drawn) outcome).draw();
        var uncertainty = new LinkedHashMap<Long, Double>();
        pool.forEach(c -> uncertainty.put(c.traceId(), c.uncertainty()));
        var items = draw.items().stream().map(i -> new Item(i.traceId(), i.predicted(), i.priority(), BALANCED, null,
                uncertainty.get(i.traceId()))).toList();
        return new Drawn(new Draw(items, draw.balance(), draw.predictedNegative(), draw.predictedPositive()));
    }

    /**
     * The traces the judge is least sure of: a random stratum first, then the most uncertain of the rest (highest
     * uncertainty first; ties in pool order).
     */
    public static Outcome uncertain(List<Candidate> pool, int size, double randomShare, double balance, long seed,
                                    boolean allowUnbalanced) {
        if (pool.stream().noneMatch(c -> c.uncertainty() != null)) {
            return new Nothing("no trace in the pool has an uncertainty measurement for this judge");
        }
        return purposive(pool, UNCERTAIN, c -> c.uncertainty() != null,
                Comparator.comparingDouble((Candidate c) -> c.uncertainty()).reversed(),
                size, randomShare, balance, seed, allowUnbalanced);
    }

    /** Traces where judge and humans disagree (in random order), after a random stratum of the whole pool. */
    public static Outcome disagreements(List<Candidate> pool, int size, double randomShare, double balance, long seed,
                                        boolean allowUnbalanced) {
        if (pool.stream().noneMatch(Candidate::disagrees)) {
            return new Nothing("no trace in the pool has a judge verdict that differs from its current human label");
        }
        // A seeded random rank: disagreements are all equally interesting.
        var rank = new LinkedHashMap<Long, Long>();
        var random = new Random(seed ^ 0x5DEECE66DL);
        pool.forEach(c -> rank.put(c.traceId(), random.nextLong()));
        return purposive(pool, DISAGREE, Candidate::disagrees, Comparator.comparingLong(c -> rank.get(c.traceId())),
                size, randomShare, balance, seed, allowUnbalanced);
    }

    /**
     * A purposive stratum mixed with a random one. The random stratum comes first: round(share·N) traces drawn
     * uniformly without replacement from the <b>whole</b> pool (π = n_r / |pool| each), so it is a simple random
     * sample of the pool whatever the judge thinks. Then the purposive stratum fills the queue from the eligible
     * traces left, best ranked first — first the predicted negatives and positives the balance rule still needs,
     * then any.
     */
    static Outcome purposive(List<Candidate> pool, String stratum, Predicate<Candidate> eligible,
                             Comparator<Candidate> rank, int size, double randomShare, double balance, long seed,
                             boolean allowUnbalanced) {
        check(size, balance);
        if (randomShare < 0 || randomShare > 0.5) {
            throw new IllegalArgumentException("random share must be between 0 and 0.5");
        }
        var random = new Random(seed);
        var order = new ArrayList<Integer>(pool.size());
        for (int i = 0; i < pool.size(); i++) {
            order.add(i);
        }
        Collections.shuffle(order, random);
        int randomCount = Math.min((int) Math.round(randomShare * size), pool.size());
        var inRandom = new boolean[pool.size()];
        var chosen = new ArrayList<Item>(size);
        double pi = pool.isEmpty() ? 0 : (double) randomCount / pool.size();
        for (int k = 0; k < randomCount; k++) {
            int p = order.get(k);
            inRandom[p] = true;
            Candidate c = pool.get(p);
            chosen.add(new Item(c.traceId(), c.predicted(), 0, RANDOM, pi, c.uncertainty()));
        }
        var ranked = new ArrayList<Integer>();
        for (int p = 0; p < pool.size(); p++) {
            if (!inRandom[p] && eligible.test(pool.get(p))) {
                ranked.add(p);
            }
        }
        ranked.sort((a, b) -> rank.compare(pool.get(a), pool.get(b))); // stable: ties keep pool order

        int need = BalancedSampler.needPerSide(size, balance);
        long haveNegative = chosen.stream().filter(i -> i.predicted() == Polarity.NEGATIVE).count();
        long havePositive = chosen.stream().filter(i -> i.predicted() == Polarity.POSITIVE).count();
        long availableNegative = haveNegative + ranked.stream()
                .filter(p -> pool.get(p).predicted() == Polarity.NEGATIVE).count();
        long availablePositive = havePositive + ranked.stream()
                .filter(p -> pool.get(p).predicted() == Polarity.POSITIVE).count();
        long available = chosen.size() + ranked.size();
        boolean enough = availableNegative >= need && availablePositive >= need && available >= size;
        if (!enough && !allowUnbalanced) {
            return new Short(new BalancedSampler.Shortfall(size, need, available, availableNegative,
                    availablePositive, BalancedSampler.largestBalancedSize(available, availableNegative,
                    availablePositive, size, balance)));
        }
        var taken = new boolean[pool.size()];
        long stillNegative = Math.max(0, need - haveNegative);
        long stillPositive = Math.max(0, need - havePositive);
        for (int p : ranked) {
            Polarity side = pool.get(p).predicted();
            if (side == Polarity.NEGATIVE && stillNegative > 0 && chosen.size() < size) {
                stillNegative--;
                taken[p] = true;
                chosen.add(purposeItem(pool.get(p), stratum));
            } else if (side == Polarity.POSITIVE && stillPositive > 0 && chosen.size() < size) {
                stillPositive--;
                taken[p] = true;
                chosen.add(purposeItem(pool.get(p), stratum));
            }
        }
        for (int p : ranked) {
            if (chosen.size() >= size) {
                break;
            }
            if (!taken[p]) {
                chosen.add(purposeItem(pool.get(p), stratum));
            }
        }
        long negatives = chosen.stream().filter(i -> i.predicted() == Polarity.NEGATIVE).count();
        long positives = chosen.stream().filter(i -> i.predicted() == Polarity.POSITIVE).count();
        boolean balanced = negatives >= need && positives >= need && chosen.size() >= size;
        if (!balanced && !allowUnbalanced) {
            // Only when the random stratum took so many of one side that the other's quota no longer fits.
            return new Short(new BalancedSampler.Shortfall(size, need, available, negatives, positives, 0));
        }
        return new Drawn(prioritise(chosen, balanced ? BalancedSampler.Balance.BALANCED
                : BalancedSampler.Balance.UNBALANCED, random));
    }

    /**
     * A random sample stratified by the judge's verdict value (pool members without a verdict are left out). The
     * predicted-negative side gets its proportional share of the queue, raised to ⌈b·N⌉ if that is less (and the
     * positive side likewise); within a side each verdict value gets a share proportional to its size (largest
     * remainder). Each stratum h is a simple random sample of n_h of its N_h traces: π_h = n_h / N_h, recorded on
     * every item so an unbiased estimate weights each label by 1/π_h.
     */
    public static Outcome stratified(List<Candidate> pool, int size, double balance, long seed,
                                     boolean allowUnbalanced) {
        check(size, balance);
        var negative = new TreeMap<String, List<Integer>>();
        var positive = new TreeMap<String, List<Integer>>();
        for (int p = 0; p < pool.size(); p++) {
            Candidate c = pool.get(p);
            if (c.verdict() == null || c.predicted() == Polarity.UNKNOWN) {
                continue;
            }
            (c.predicted() == Polarity.NEGATIVE ? negative : positive)
                    .computeIfAbsent(c.verdict(), v -> new ArrayList<>()).add(p);
        }
        long totalNegative = negative.values().stream().mapToLong(List::size).sum();
        long totalPositive = positive.values().stream().mapToLong(List::size).sum();
        long total = totalNegative + totalPositive;
        if (total == 0) {
            return new Nothing("no trace in the pool has a judge verdict to stratify by");
        }
        int need = BalancedSampler.needPerSide(size, balance);
        boolean enough = totalNegative >= need && totalPositive >= need && total >= size;
        if (!enough && !allowUnbalanced) {
            return new Short(new BalancedSampler.Shortfall(size, need, total, totalNegative, totalPositive,
                    BalancedSampler.largestBalancedSize(total, totalNegative, totalPositive, size, balance)));
        }
        int n = (int) Math.min(size, total);
        long wantNegative = Math.round((double) n * totalNegative / total);
        wantNegative = Math.max(wantNegative, Math.min(need, n));
        wantNegative = Math.min(wantNegative, Math.max(0, n - need));
        wantNegative = Math.min(wantNegative, totalNegative);
        long wantPositive = Math.min(n - wantNegative, totalPositive);
        wantNegative = Math.min(totalNegative, n - wantPositive); // top up when the positive side ran short

        var random = new Random(seed);
        var chosen = new ArrayList<Item>(n);
        drawSide(pool, negative, (int) wantNegative, random, chosen);
        drawSide(pool, positive, (int) wantPositive, random, chosen);
        return new Drawn(prioritise(chosen, enough ? BalancedSampler.Balance.BALANCED
                : BalancedSampler.Balance.UNBALANCED, random));
    }

    /** Allocates {@code count} over the side's strata in proportion to their sizes, then samples each one. */
    private static void drawSide(List<Candidate> pool, TreeMap<String, List<Integer>> strata, int count, Random random,
                                 List<Item> chosen) {
        long sideSize = strata.values().stream().mapToLong(List::size).sum();
        if (count == 0 || sideSize == 0) {
            return;
        }
        var allocation = allocate(strata.values().stream().map(List::size).toList(), count);
        int h = 0;
        for (var entry : strata.entrySet()) {
            int take = allocation.get(h++);
            if (take == 0) {
                continue;
            }
            var members = new ArrayList<>(entry.getValue());
            Collections.shuffle(members, random);
            double pi = (double) take / members.size();
            for (int p : members.subList(0, take)) {
                Candidate c = pool.get(p);
                chosen.add(new Item(c.traceId(), c.predicted(), 0, VERDICT + entry.getKey(), pi, c.uncertainty()));
            }
        }
    }

    /**
     * Largest-remainder (Hamilton) allocation of {@code count} over strata of the given sizes, in proportion to
     * their sizes; never more than a stratum holds. Ties go to the earlier stratum.
     */
    static List<Integer> allocate(List<Integer> sizes, int count) {
        long total = sizes.stream().mapToLong(Integer::longValue).sum();
        var result = new ArrayList<Integer>(sizes.size());
        var remainders = new ArrayList<double[]>();
        int given = 0;
        for (int h = 0; h < sizes.size(); h++) {
            double exact = (double) count * sizes.get(h) / total;
            int floor = (int) Math.min(Math.floor(exact), sizes.get(h));
            result.add(floor);
            given += floor;
            remainders.add(new double[]{exact - floor, h});
        }
        remainders.sort((a, b) -> a[0] != b[0] ? Double.compare(b[0], a[0]) : Double.compare(a[1], b[1]));
        for (int r = 0; given < count && r < remainders.size() * 2; r++) {
            int h = (int) remainders.get(r % remainders.size())[1];
            if (result.get(h) < sizes.get(h)) {
                result.set(h, result.get(h) + 1);
                given++;
            }
        }
        return result;
    }

    private static Item purposeItem(Candidate c, String stratum) {
        return new Item(c.traceId(), c.predicted(), 0, stratum, null, c.uncertainty());
    }

    private static void check(int size, double balance) {
        if (size < 1) {
            throw new IllegalArgumentException("size must be at least 1");
        }
        if (balance < 0 || balance > 0.5) {
            throw new IllegalArgumentException("balance target must be between 0 and 0.5");
        }
    }

    /** Random, distinct priorities: a queue labelled part way holds every stratum in proportion. */
    private static Draw prioritise(List<Item> chosen, BalancedSampler.Balance balance, Random random) {
        var order = new ArrayList<>(chosen);
        Collections.shuffle(order, random);
        var items = new ArrayList<Item>(order.size());
        long negative = 0;
        long positive = 0;
        for (int i = 0; i < order.size(); i++) {
            Item c = order.get(i);
            items.add(new Item(c.traceId(), c.predicted(), order.size() - i, c.stratum(), c.inclusionProbability(),
                    c.uncertainty()));
            if (c.predicted() == Polarity.NEGATIVE) {
                negative++;
            } else if (c.predicted() == Polarity.POSITIVE) {
                positive++;
            }
        }
        return new Draw(List.copyOf(items), balance, negative, positive);
    }
}
