package dev.jury.review;

import dev.jury.review.SourceSampler.Candidate;
import dev.jury.review.SourceSampler.Drawn;
import dev.jury.review.SourceSampler.Item;
import dev.jury.review.SourceSampler.Nothing;
import dev.jury.review.SourceSampler.Short;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The queue sources' sampling: the random stratum, the ranking by uncertainty, stratified proportions, and the
 * ≥ b predicted-negative rule, which every source enforces exactly as the balanced sample does — the same
 * ⌈b·N⌉ ({@link BalancedSampler#needPerSide}) and the same {@link BalancedSampler.Shortfall} with its numbers.
 */
class SourceSamplerTest {

    /** Traces 1…n: the first {@code negatives} predicted "no", uncertainty = id / 1000 (higher id, less sure). */
    static List<Candidate> pool(int negatives, int positives) {
        var pool = new ArrayList<Candidate>();
        for (int i = 1; i <= negatives + positives; i++) {
            boolean negative = i <= negatives;
            pool.add(new Candidate(i, negative ? Polarity.NEGATIVE : Polarity.POSITIVE, negative ? "no" : "yes",
                    i / 1000.0, i % 3 == 0));
        }
        return pool;
    }

    static long count(List<Item> items, String stratum) {
        return items.stream().filter(i -> i.stratum().equals(stratum)).count();
    }

    @Test
    void theUncertainStratumTakesTheMostUncertainAfterARandomStratumOfTheWholePool() {
        var pool = pool(50, 50); // the least sure are the positives 91…100, then 81…90, …
        var draw = assertInstanceOf(Drawn.class, SourceSampler.uncertain(pool, 20, 0.25, 0.0, 7, false)).draw();
        assertEquals(20, draw.items().size());
        assertEquals(5, count(draw.items(), SourceSampler.RANDOM)); // round(0.25 · 20)
        assertEquals(15, count(draw.items(), SourceSampler.UNCERTAIN));
        var random = draw.items().stream().filter(i -> i.stratum().equals(SourceSampler.RANDOM)).toList();
        random.forEach(i -> assertEquals(5 / 100.0, i.inclusionProbability(), 1e-12)); // π = n_r / |pool|
        // with b = 0 the uncertain stratum is simply the 15 highest uncertainties not already drawn at random
        var randomIds = random.stream().map(Item::traceId).collect(Collectors.toSet());
        var expected = new ArrayList<Long>();
        for (long id = 100; expected.size() < 15; id--) {
            if (!randomIds.contains(id)) {
                expected.add(id);
            }
        }
        var uncertain = draw.items().stream().filter(i -> i.stratum().equals(SourceSampler.UNCERTAIN))
                .map(Item::traceId).collect(Collectors.toSet());
        assertEquals(new HashSet<>(expected), uncertain);
        draw.items().stream().filter(i -> i.stratum().equals(SourceSampler.UNCERTAIN))
                .forEach(i -> assertNull(i.inclusionProbability(), "chosen on purpose: no design probability"));
    }

    @Test
    void theNegativeShareRuleHoldsForTheUncertainSourceToo() {
        // Every positive is less sure than every negative: ranking alone would give 0 negatives.
        var pool = pool(50, 50);
        var draw = assertInstanceOf(Drawn.class, SourceSampler.uncertain(pool, 20, 0.0, 0.3, 7, false)).draw();
        assertEquals(BalancedSampler.Balance.BALANCED, draw.balance());
        assertEquals(6, draw.predictedNegative()); // ⌈0.3 · 20⌉, the most uncertain negatives 45…50
        assertEquals(ids(45, 46, 47, 48, 49, 50), draw.items().stream()
                .filter(i -> i.predicted() == Polarity.NEGATIVE).map(Item::traceId).collect(Collectors.toSet()));
        assertEquals(14, draw.predictedPositive()); // the 14 least sure positives 87…100
        assertTrue(draw.items().stream().filter(i -> i.predicted() == Polarity.POSITIVE)
                .allMatch(i -> i.traceId() >= 87));
    }

    @Test
    void aPoolThatCannotMeetTheRuleIsTheBalancedSamplersShortfall() {
        var pool = pool(4, 60);
        var shortfall = assertInstanceOf(Short.class, SourceSampler.uncertain(pool, 20, 0.2, 0.3, 7, false))
                .shortfall();
        assertEquals(6, shortfall.needPerSide());
        assertEquals(4, shortfall.poolNegative());
        assertTrue(shortfall.message().contains("pool has 4 predicted negatives; a balanced queue of 20 needs 6"),
                shortfall.message());
        assertEquals(13, shortfall.largestBalancedSize()); // ⌈0.3·13⌉ = 4, ⌈0.3·14⌉ = 5
        var unbalanced = assertInstanceOf(Drawn.class, SourceSampler.uncertain(pool, 20, 0.2, 0.3, 7, true)).draw();
        assertEquals(BalancedSampler.Balance.UNBALANCED, unbalanced.balance());
        assertEquals(4, unbalanced.predictedNegative()); // every negative the pool has
        // the same rule and numbers for the stratified and the disagreement sources
        assertEquals(shortfall.needPerSide(), assertInstanceOf(Short.class,
                SourceSampler.stratified(pool, 20, 0.3, 7, false)).shortfall().needPerSide());
        assertInstanceOf(Short.class, SourceSampler.disagreements(pool, 20, 0.2, 0.3, 7, false));
        assertInstanceOf(Short.class, SourceSampler.balanced(pool, 20, 0.3, 7, false));
    }

    @Test
    void withoutMeasurementsOrDisagreementsThereIsNothingToDraw() {
        var unmeasured = pool(10, 10).stream().map(c -> new Candidate(c.traceId(), c.predicted(), c.verdict(), null,
                false)).toList();
        assertTrue(assertInstanceOf(Nothing.class, SourceSampler.uncertain(unmeasured, 5, 0.2, 0.3, 1, false))
                .reason().contains("uncertainty"));
        assertTrue(assertInstanceOf(Nothing.class, SourceSampler.disagreements(unmeasured, 5, 0.2, 0.3, 1, false))
                .reason().contains("human label"));
    }

    @Test
    void disagreementsAreTheDisagreeingTracesPlusTheRandomStratum() {
        var pool = pool(30, 30); // ids divisible by 3 disagree: 10 negatives, 10 positives
        var draw = assertInstanceOf(Drawn.class, SourceSampler.disagreements(pool, 15, 0.2, 0.3, 3, false)).draw();
        assertEquals(3, count(draw.items(), SourceSampler.RANDOM));
        assertEquals(12, count(draw.items(), SourceSampler.DISAGREE));
        assertTrue(draw.items().stream().filter(i -> i.stratum().equals(SourceSampler.DISAGREE))
                .allMatch(i -> i.traceId() % 3 == 0));
        assertTrue(draw.predictedNegative() >= 5 && draw.predictedPositive() >= 5);
    }

    @Test
    void stratifiedProportionsFollowTheStrataAndTheInclusionProbabilitiesAreRecorded() {
        // 3 values: "no" (negative) 200, "partly" (negative) 200, "yes" 600
        var pool = new ArrayList<Candidate>();
        for (int i = 0; i < 1000; i++) {
            String value = i < 200 ? "no" : i < 400 ? "partly" : "yes";
            pool.add(new Candidate(i, value.equals("yes") ? Polarity.POSITIVE : Polarity.NEGATIVE, value, null, false));
        }
        var draw = assertInstanceOf(Drawn.class, SourceSampler.stratified(pool, 100, 0.3, 11, false)).draw();
        assertEquals(Map.of("VERDICT:no", 20L, "VERDICT:partly", 20L, "VERDICT:yes", 60L), draw.strata());
        draw.items().forEach(i -> assertEquals(0.1, i.inclusionProbability(), 1e-12)); // proportional: self-weighting
        assertEquals(100, draw.items().stream().map(Item::traceId).distinct().count());
    }

    @Test
    void stratifiedOversamplesTheNegativeSideToMeetTheRuleAndSaysByHowMuch() {
        var pool = new ArrayList<Candidate>();
        for (int i = 0; i < 1000; i++) { // 10% predicted negative
            pool.add(new Candidate(i, i < 100 ? Polarity.NEGATIVE : Polarity.POSITIVE, i < 100 ? "no" : "yes", null,
                    false));
        }
        var draw = assertInstanceOf(Drawn.class, SourceSampler.stratified(pool, 50, 0.3, 5, false)).draw();
        assertEquals(15, draw.predictedNegative()); // ⌈0.3 · 50⌉ instead of the proportional 5
        assertEquals(35, draw.predictedPositive());
        draw.items().stream().filter(i -> i.predicted() == Polarity.NEGATIVE)
                .forEach(i -> assertEquals(15 / 100.0, i.inclusionProbability(), 1e-12));
        draw.items().stream().filter(i -> i.predicted() == Polarity.POSITIVE)
                .forEach(i -> assertEquals(35 / 900.0, i.inclusionProbability(), 1e-12));
        // Σ 1/π over the sample estimates the pool size: the weights undo the oversampling
        double estimate = draw.items().stream().mapToDouble(i -> 1 / i.inclusionProbability()).sum();
        assertEquals(1000, estimate, 1e-9);
    }

    @Test
    void largestRemainderAllocation() {
        assertEquals(List.of(4, 3, 3), SourceSampler.allocate(List.of(10, 10, 10), 10));
        assertEquals(List.of(1, 0, 9), SourceSampler.allocate(List.of(7, 3, 90), 10));
        assertEquals(List.of(2, 1), SourceSampler.allocate(List.of(2, 1), 3));
    }

    @Test
    void theSameSeedGivesTheSameQueue() {
        var pool = pool(40, 40);
        assertEquals(SourceSampler.uncertain(pool, 30, 0.2, 0.3, 9, false),
                SourceSampler.uncertain(pool, 30, 0.2, 0.3, 9, false));
        assertEquals(SourceSampler.stratified(pool, 30, 0.3, 9, false),
                SourceSampler.stratified(pool, 30, 0.3, 9, false));
    }

    private static java.util.Set<Long> ids(long... ids) {
        var set = new HashSet<Long>();
        for (long id : ids) {
            set.add(id);
        }
        return set;
    }
}
