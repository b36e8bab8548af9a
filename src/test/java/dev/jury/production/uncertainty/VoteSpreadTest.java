package dev.jury.production.uncertainty;

import dev.jury.review.Polarity;
import dev.jury.review.SourceSampler;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/** Uncertainty from repeated samples of a scripted judge: fixed vote sequences → entropy → queue order. */
class VoteSpreadTest {

    /** A judge that answers each trace with its script, one value per call (null = a failed call). */
    static final class ScriptedJudge {
        private final Map<Long, Iterator<String>> scripts = new LinkedHashMap<>();

        ScriptedJudge script(long trace, String... answers) {
            scripts.put(trace, Arrays.asList(answers).iterator());
            return this;
        }

        String call(long trace) {
            return scripts.get(trace).next();
        }

        List<Long> traces() {
            return List.copyOf(scripts.keySet());
        }
    }

    static VoteSpread.Spread sample(ScriptedJudge judge, long trace, int n, int levels) {
        var answers = new ArrayList<String>();
        for (int i = 0; i < n; i++) {
            answers.add(judge.call(trace));
        }
        return VoteSpread.of(answers, levels);
    }

    @Test
    void entropyOfKnownVoteSequences() {
        assertEquals(0.0, VoteSpread.of(List.of("yes", "yes", "yes"), 2).uncertainty(), 1e-12);
        // 2–1: −(2/3 ln 2/3 + 1/3 ln 1/3) / ln 2 = 0.918295…
        assertEquals(0.9182958340544896, VoteSpread.of(List.of("yes", "no", "yes"), 2).uncertainty(), 1e-12);
        assertEquals(1.0 / 3, VoteSpread.of(List.of("yes", "no", "yes"), 2).minorityShare(), 1e-12);
        // three levels, three different answers: as spread as it gets
        assertEquals(1.0, VoteSpread.of(List.of("1", "2", "3"), 5).uncertainty(), 1e-12);
        // 5 samples on yes/no, 3–2: 0.970950…
        assertEquals(0.9709505944546686, VoteSpread.of(List.of("y", "n", "y", "n", "y"), 2).uncertainty(), 1e-12);
        // failed samples are not votes; one vote has no spread
        var failed = VoteSpread.of(Arrays.asList("yes", null, null), 2);
        assertEquals(2, failed.errors());
        assertEquals(0.0, failed.uncertainty(), 1e-12);
        assertEquals(Map.of("yes", 1), failed.votes());
        assertEquals(0.25, VoteSpread.fromMargin(0.75), 1e-12);
        assertEquals(1.0, VoteSpread.fromMargin(-0.1), 1e-12);
    }

    @Test
    void theScriptedJudgesLeastSureTracesComeFirst() {
        var judge = new ScriptedJudge()
                .script(1, "yes", "yes", "yes")          // sure
                .script(2, "no", "yes", "no", "yes", "no") // 3–2: least sure
                .script(3, "yes", "no", "yes", "yes", "yes")// 4–1
                .script(4, "no", "no", "no", "no", "no")  // sure
                .script(5, "no", "no", "yes", "no", "no");// 4–1
        var pool = new ArrayList<SourceSampler.Candidate>();
        var expected = Map.of(1L, 0.0, 2L, 0.9709505944546686, 3L, 0.7219280948873623, 4L, 0.0,
                5L, 0.7219280948873623);
        for (long trace : judge.traces()) {
            var spread = sample(judge, trace, trace == 1 ? 3 : 5, 2);
            assertEquals(expected.get(trace), spread.uncertainty(), 1e-12, "trace " + trace);
            var majority = spread.votes().entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
            pool.add(new SourceSampler.Candidate(trace, majority.equals("no") ? Polarity.NEGATIVE : Polarity.POSITIVE,
                    majority, spread.uncertainty(), false));
        }
        var draw = assertInstanceOf(SourceSampler.Drawn.class,
                SourceSampler.uncertain(pool, 3, 0.0, 0.0, 1, false)).draw();
        // 2 (0.971), then 3 and 5 (0.722, tie kept in pool order); 1 and 4 never
        assertEquals(List.of(2L, 3L, 5L), draw.items().stream()
                .sorted((a, b) -> Double.compare(b.uncertainty(), a.uncertainty())).map(SourceSampler.Item::traceId)
                .toList());
        var two = assertInstanceOf(SourceSampler.Drawn.class,
                SourceSampler.uncertain(pool, 2, 0.0, 0.0, 1, false)).draw();
        assertEquals(java.util.Set.of(2L, 3L), two.items().stream().map(SourceSampler.Item::traceId)
                .collect(java.util.stream.Collectors.toSet()));
    }
}
