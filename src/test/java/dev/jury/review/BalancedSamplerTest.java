package dev.jury.review;

import dev.jury.review.BalancedSampler.Balance;
import dev.jury.review.BalancedSampler.Candidate;
import dev.jury.review.BalancedSampler.Drawn;
import dev.jury.review.BalancedSampler.Short;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BalancedSamplerTest {

    static List<Candidate> pool(int negatives, int positives, int unknown) {
        var pool = new ArrayList<Candidate>();
        long id = 1;
        for (int i = 0; i < negatives; i++) {
            pool.add(new Candidate(id++, Polarity.NEGATIVE));
        }
        for (int i = 0; i < positives; i++) {
            pool.add(new Candidate(id++, Polarity.POSITIVE));
        }
        for (int i = 0; i < unknown; i++) {
            pool.add(new Candidate(id++, Polarity.UNKNOWN));
        }
        return pool;
    }

    @Test
    void needPerSideIsTheCeiling() {
        assertEquals(60, BalancedSampler.needPerSide(200, 0.30));
        assertEquals(3, BalancedSampler.needPerSide(10, 0.30));
        assertEquals(4, BalancedSampler.needPerSide(11, 0.30)); // 3.3 → 4
        assertEquals(36, BalancedSampler.needPerSide(120, 0.30));
        assertEquals(0, BalancedSampler.needPerSide(50, 0.0));
    }

    @Test
    void balancedDrawMeetsTheTargetOnBothSides() {
        var draw = ((Drawn) BalancedSampler.draw(pool(100, 900, 0), 200, 0.30, 7, false)).draw();
        assertEquals(200, draw.items().size());
        assertEquals(Balance.BALANCED, draw.balance());
        assertTrue(draw.predictedNegative() >= 60, "negatives " + draw.predictedNegative());
        assertTrue(draw.predictedPositive() >= 60, "positives " + draw.predictedPositive());
        assertEquals(200, new HashSet<>(draw.items().stream().map(BalancedSampler.Item::traceId).toList()).size(),
                "no trace twice");
    }

    @Test
    void shortfallGivesTheExactNumbersAndTheLargestBalancedSize() {
        var outcome = BalancedSampler.draw(pool(41, 900, 0), 200, 0.30, 1, false);
        var shortfall = assertInstanceOf(Short.class, outcome).shortfall();
        assertEquals(60, shortfall.needPerSide());
        assertEquals(41, shortfall.poolNegative());
        // ⌈0.3·136⌉ = 41 ≤ 41 but ⌈0.3·137⌉ = 42 > 41
        assertEquals(136, shortfall.largestBalancedSize());
        assertTrue(shortfall.message().contains("pool has 41 predicted negatives; a balanced queue of 200 needs 60"),
                shortfall.message());
        assertTrue(shortfall.message().contains("smaller balanced queue of 136"), shortfall.message());
    }

    @Test
    void theSmallerSizeOfferedIsIndeedBalanced() {
        var shortfall = ((Short) BalancedSampler.draw(pool(41, 900, 0), 200, 0.30, 1, false)).shortfall();
        var smaller = BalancedSampler.draw(pool(41, 900, 0), shortfall.largestBalancedSize(), 0.30, 1, false);
        assertEquals(Balance.BALANCED, assertInstanceOf(Drawn.class, smaller).draw().balance());
    }

    @Test
    void poolSmallerThanTheQueueIsAShortfallToo() {
        var shortfall = ((Short) BalancedSampler.draw(pool(40, 40, 0), 100, 0.30, 1, false)).shortfall();
        assertEquals(80, shortfall.largestBalancedSize());
        assertTrue(shortfall.message().contains("pool has 80 traces"), shortfall.message());
    }

    @Test
    void allowUnbalancedTakesWhatThereIsAndSaysSo() {
        var draw = ((Drawn) BalancedSampler.draw(pool(10, 900, 0), 200, 0.30, 3, true)).draw();
        assertEquals(Balance.UNBALANCED, draw.balance());
        assertEquals(200, draw.items().size());
        assertEquals(10, draw.predictedNegative(), "every predicted negative is taken");
    }

    @Test
    void noPredictionsMeansUniformAndUnknownBalance() {
        var draw = ((Drawn) BalancedSampler.draw(pool(0, 0, 500), 120, 0.30, 3, false)).draw();
        assertEquals(Balance.UNBALANCED_UNKNOWN, draw.balance());
        assertEquals(120, draw.items().size());
    }

    @Test
    void sameSeedSameQueueOtherSeedOtherQueue() {
        var a = ((Drawn) BalancedSampler.draw(pool(300, 700, 50), 100, 0.30, 42, false)).draw();
        var b = ((Drawn) BalancedSampler.draw(pool(300, 700, 50), 100, 0.30, 42, false)).draw();
        var c = ((Drawn) BalancedSampler.draw(pool(300, 700, 50), 100, 0.30, 43, false)).draw();
        assertEquals(a, b);
        assertNotEquals(a.items(), c.items());
    }

    @Test
    void prioritiesAreDistinctAndCoverTheQueue() {
        var draw = ((Drawn) BalancedSampler.draw(pool(300, 700, 0), 50, 0.30, 5, false)).draw();
        var priorities = new HashSet<>(draw.items().stream().map(BalancedSampler.Item::priority).toList());
        assertEquals(50, priorities.size());
        assertTrue(priorities.contains(1) && priorities.contains(50));
    }

    @Test
    void refusesNonsense() {
        assertThrows(IllegalArgumentException.class, () -> BalancedSampler.draw(pool(1, 1, 0), 0, 0.3, 1, false));
        assertThrows(IllegalArgumentException.class, () -> BalancedSampler.draw(pool(1, 1, 0), 5, 0.7, 1, false));
    }
}
