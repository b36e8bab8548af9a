package dev.jury.demo;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The demo experiment from the real licensed data sets, loaded once and idempotently. */
@QuarkusTest
class DemoDataTest {

    @Inject
    DemoData demo;

    @Inject
    EntityManager em;

    long count(String sql) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) em.createNativeQuery(sql).getSingleResult()).longValue());
    }

    @Test
    void loadsHaluEvalTruthfulQaLabelsAndAQueueOnce() {
        if (!QuarkusTransaction.requiringNew().call(demo::loaded)) {
            demo.load(DemoFiles.bundled());
        }
        demo.enabled = true;
        demo.onStart(null); // a second start changes nothing
        demo.enabled = false;

        String inDemo = " FROM trace t JOIN experiment e ON e.id = t.experiment_id WHERE e.name = 'demo'";
        assertEquals(300, count("SELECT count(*)" + inDemo + " AND t.tags->>'dataset' = 'halueval'"));
        assertEquals(200, count("SELECT count(*)" + inDemo + " AND t.tags->>'dataset' = 'truthfulqa'"));
        long hallucinated = count("SELECT count(*) FROM assessment a JOIN trace t ON t.id = a.trace_id"
                + " JOIN experiment e ON e.id = t.experiment_id WHERE e.name = 'demo' AND a.name = 'hallucination'"
                + " AND a.value = 'yes'");
        // HaluEval general: 18.1% hallucinated overall; an evenly spaced sample of 300 stays close to it.
        assertTrue(hallucinated > 300 * 0.12 && hallucinated < 300 * 0.25, "hallucinated " + hallucinated);
        assertEquals(100, count("SELECT count(*) FROM assessment WHERE name = 'correctness' AND value = 'no'"
                + " AND source_id = 'truthfulqa_reference'"));
        assertEquals(60, count("SELECT count(*) FROM queue_item i JOIN review_queue q ON q.id = i.queue_id"
                + " WHERE q.name = 'hallucination first pass'"));
        assertEquals(0, count("SELECT count(*) FROM queue_item i JOIN review_queue q ON q.id = i.queue_id"
                + " JOIN trace t ON t.id = i.trace_id WHERE q.name = 'hallucination first pass'"
                + " AND t.tags->>'dataset' <> 'halueval'"), "the hallucination queue holds HaluEval traces only");
        assertEquals(3, count("SELECT count(*) FROM queue_member m JOIN review_queue q ON q.id = m.queue_id"
                + " WHERE q.name = 'hallucination first pass' AND m.username IN ('alice', 'bob', 'carol')"));
        assertEquals(1, count("SELECT count(*) FROM review_queue WHERE name = 'hallucination first pass'"
                + " AND balance = 'UNBALANCED_UNKNOWN'"), "no judge verdicts are invented");
        assertEquals(2, count("SELECT count(*) FROM judge j JOIN experiment e ON e.id = j.experiment_id"
                + " WHERE e.name = 'demo'"));
    }
}
