package dev.jury.traces;

import dev.jury.labels.SourceType;
import dev.jury.labels.Assessment;
import dev.jury.experiments.ExperimentService;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.restassured.response.Response;

import java.util.UUID;
import java.util.regex.Pattern;

/** Small builders shared by the trace tests. */
final class TraceFixtures {

    private static final Pattern TOKEN = Pattern.compile("name=\"csrf-token\" value=\"([^\"]+)\"");

    private TraceFixtures() {
    }

    static String newExperiment(ExperimentService experiments) {
        String name = "tr-" + UUID.randomUUID().toString().substring(0, 8);
        experiments.create(name, "trace tests", "test");
        return name;
    }

    static String line(String requestId, String inputs, String outputs) {
        return "{" + (requestId == null ? "" : "\"client_request_id\":\"" + requestId + "\",")
                + "\"inputs\":\"" + inputs + "\",\"outputs\":\"" + outputs + "\"}";
    }

    static long assess(long traceId, String name, String value, SourceType type, String source) {
        return QuarkusTransaction.requiringNew().call(() -> {
            var a = Assessment.create(traceId, name, value, "because", type, source);
            Assessment.supersede(a);
            return a.id;
        });
    }

    static String csrfToken(Response page) {
        var matcher = TOKEN.matcher(page.asString());
        if (!matcher.find()) {
            throw new AssertionError("no CSRF token in page");
        }
        return matcher.group(1);
    }
}
