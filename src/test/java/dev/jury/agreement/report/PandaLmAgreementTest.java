package dev.jury.agreement.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.jury.agreement.report.AgreementFixtures.label;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real multi-reviewer data: the PandaLM human-annotated test set (Wang et al., arXiv:2306.05087; Apache-2.0, see
 * src/main/resources/demo/README.md, bundled on the classpath), 999 items each judged by three annotators as 1 (response 1 better), 0 (tie) or
 * 2 (response 2 better). All 2,997 labels go in through the feedback API; the report must reproduce the README's
 * pairwise agreement (annotator1/2 91.3%, 1/3 92.9%, 2/3 91.8%) and Krippendorff's α computed here, independently,
 * from the raw file with a plain coincidence matrix. (A Python check over exact fractions gave α nominal
 * 0.864221, ordinal 0.877464 for the order 1, 0, 2 and percent agreement 919/999.)
 */
@QuarkusTest
@TestSecurity(user = "admin", roles = "admin")
class PandaLmAgreementTest {

    /** The copy bundled with the demo data (src/main/resources/demo), read from the classpath. */
    static final String FILE = "/demo/pandalm_testset-v1.json";
    /** The rubric's order: response 1 better, tie, response 2 better — a real order of preference. */
    static final List<String> ORDER = List.of("1", "0", "2");

    @Test
    void theReportReproducesThePublishedPairwiseAgreementAndAnIndependentAlpha() throws IOException {
        JsonNode items;
        try (InputStream in = PandaLmAgreementTest.class.getResourceAsStream(FILE)) {
            assertNotNull(in, FILE + " on the classpath");
            items = new ObjectMapper().readTree(in);
        }
        assertEquals(999, items.size());
        int[][] labels = new int[items.size()][3];
        for (int i = 0; i < items.size(); i++) {
            for (int a = 0; a < 3; a++) {
                labels[i][a] = items.get(i).get("annotator" + (a + 1)).asInt();
            }
        }

        String exp = AgreementFixtures.experiment();
        List<Map<String, Object>> levels = List.of(
                dev.jury.judges.ApiFixtures.level("1", "Response 1 better", "The first response is better.", false),
                dev.jury.judges.ApiFixtures.level("0", "Tie", "Both are about equally good.", false),
                dev.jury.judges.ApiFixtures.level("2", "Response 2 better", "The second response is better.", true));
        AgreementFixtures.rubric(exp, "preference", Map.of("kind", "categorical", "levels", levels,
                "rationale_required", false));
        ObjectMapper json = new ObjectMapper();
        StringBuilder ndjson = new StringBuilder();
        for (JsonNode item : items) {
            ObjectNode trace = json.createObjectNode();
            trace.put("client_request_id", "pandalm-" + item.get("idx").asInt());
            trace.putObject("inputs").put("instruction", item.get("instruction").asText())
                    .put("input", item.get("input").asText());
            trace.putObject("outputs").put("response1", item.get("response1").asText())
                    .put("response2", item.get("response2").asText());
            ndjson.append(json.writeValueAsString(trace)).append('\n');
        }
        List<Long> traces = AgreementFixtures.ingest(exp, ndjson.toString());
        assertEquals(999, traces.size());
        List<Map<String, Object>> feedback = new ArrayList<>();
        for (int a = 0; a < 3; a++) {
            for (int i = 0; i < labels.length; i++) {
                feedback.add(label(traces.get(i), "preference", String.valueOf(labels[i][a]), "annotator" + (a + 1)));
            }
        }
        AgreementFixtures.log(exp, feedback);

        JsonPath report = AgreementApiTest.report(exp, "name=preference&bootstrap=0");
        assertEquals(999, report.getInt("units"));
        assertEquals(999, report.getInt("pairable_units"));
        assertEquals(3, report.getInt("raters"));
        assertEquals(2997, report.getInt("ratings"));

        // The README's pairwise raw agreement, to its printed precision, and exactly against the file.
        double[][] published = {{0, 1, 0.913}, {0, 2, 0.929}, {1, 2, 0.918}};
        for (double[] pair : published) {
            int a = (int) pair[0];
            int b = (int) pair[1];
            String path = "cohen_kappa_pairs.find { [it.source_a, it.source_b].sort() == ['annotator" + (a + 1)
                    + "', 'annotator" + (b + 1) + "'] }";
            double agreement = report.getDouble(path + ".percent_agreement.value");
            assertEquals(pair[2], agreement, 0.0005, path);
            long same = 0;
            for (int[] item : labels) {
                same += item[a] == item[b] ? 1 : 0;
            }
            assertEquals((double) same / 999, agreement, 1e-12);
            assertEquals(999, report.getInt(path + ".n"));
        }
        // README: all three agree on 879 items, exactly two on the other 120 → (879 + 120 / 3) / 999.
        assertEquals((879 + 120 / 3.0) / 999, report.getDouble("percent_agreement.value"), 1e-12);

        assertEquals(alpha(labels, false), report.getDouble("krippendorff_alpha.nominal.value"), 1e-9);
        assertEquals(alpha(labels, true), report.getDouble("krippendorff_alpha.ordinal.value"), 1e-9);
        assertEquals(0.864221, report.getDouble("krippendorff_alpha.nominal.value"), 1e-6);
        assertEquals(0.877464, report.getDouble("krippendorff_alpha.ordinal.value"), 1e-6);
        assertEquals("reliable", report.getString("headline.band"));
        // Every item has a majority, so nothing is in disagreement (and there is no judge).
        assertEquals(0, report.getInt("disagreements_total"));
        assertTrue(report.getDouble("fleiss_kappa.value") > 0.8);
    }

    /**
     * Krippendorff's α from the coincidence matrix, written out here without the production classes:
     * o[c][k] = Σ_units Σ_{i≠j} 1[v_i = c, v_j = k] / (m − 1), n_c = Σ_k o[c][k];
     * α = 1 − (n − 1) Σ o[c][k] δ²(c, k) / Σ n_c n_k δ²(c, k). Nominal δ² = 1[c ≠ k]; ordinal
     * δ²(c, k) = (Σ_{g between c and k} n_g − (n_c + n_k) / 2)², ranks in the rubric's order.
     */
    static double alpha(int[][] units, boolean ordinal) {
        int k = ORDER.size();
        double[][] o = new double[k][k];
        for (int[] unit : units) {
            int m = unit.length;
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < m; j++) {
                    if (i != j) {
                        o[rank(unit[i])][rank(unit[j])] += 1.0 / (m - 1);
                    }
                }
            }
        }
        double[] nc = new double[k];
        double n = 0;
        for (int c = 0; c < k; c++) {
            for (int d = 0; d < k; d++) {
                nc[c] += o[c][d];
            }
            n += nc[c];
        }
        double observed = 0;
        double expected = 0;
        for (int c = 0; c < k; c++) {
            for (int d = 0; d < k; d++) {
                double delta;
                if (!ordinal) {
                    delta = c == d ? 0 : 1;
                } else {
                    double between = 0;
                    for (int g = Math.min(c, d); g <= Math.max(c, d); g++) {
                        between += nc[g];
                    }
                    double root = between - (nc[c] + nc[d]) / 2;
                    delta = root * root;
                }
                observed += o[c][d] * delta;
                expected += nc[c] * nc[d] * delta;
            }
        }
        return 1 - (n - 1) * observed / expected;
    }

    private static int rank(int label) {
        return ORDER.indexOf(String.valueOf(label));
    }
}
