import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A fake OpenAI-compatible chat endpoint for the judge-run scenario: answers every
 * {@code POST /v1/chat/completions} after a fixed latency with a valid verdict ({@code yes} or {@code no},
 * from the request's hash). Loopback only; runs until killed.
 *
 * <pre>java FakeLlm PORT LATENCY_MS [THREADS]</pre>
 * THREADS (128) answer at once, so the ceiling is THREADS / latency calls per second for everything that calls it —
 * with several replicas, for all of them together.
 */
public class FakeLlm {

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args[0]);
        long latency = Long.parseLong(args[1]);
        // The JDK server writes the headers and the body of an answer separately; without TCP_NODELAY, Nagle's
        // algorithm holds the body back until the client's delayed ACK (≈ 40 ms on Linux) on every reused
        // connection — a cost no real provider's server has (nginx and the like set TCP_NODELAY), and one that made
        // every 200 ms call take 249 ms in the first judge-run measurements.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        var served = new AtomicLong();
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 128;
        // The JDK server keeps at most 200 idle keep-alive connections and closes the others as soon as they go idle
        // (sun.net.httpserver.maxIdleConnections). A client that keeps more pooled — two replicas at concurrency 128,
        // one at 256 — then sends requests on connections the server is closing: "Connection reset", a judge error
        // per trace and an open circuit, which runs 11 and 12 of judge-run-replicas met (docs/performance.md). Every
        // connection a caller may keep stays open here, as a provider's load balancer would keep them.
        System.setProperty("sun.net.httpserver.maxIdleConnections", String.valueOf(Math.max(200, 4 * threads)));
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), Math.max(256, 2 * threads));
        server.setExecutor(Executors.newFixedThreadPool(threads));
        server.createContext("/v1/chat/completions", exchange -> {
            byte[] request = exchange.getRequestBody().readAllBytes();
            try {
                Thread.sleep(latency);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            // compact JSON whatever the client's formatting, so the checks below read "key":value
            String text = new String(request, StandardCharsets.UTF_8).replaceAll("\"\\s*:\\s*", "\":");
            String content;
            if (text.contains("\"model\":\"bench-reflector\"")) {
                content = escape(REFLECTION);
            } else if (text.contains("\"model\":\"bench-learner\"")) {
                content = escape(learnerVerdict(text, request));
            } else {
                String verdict = (java.util.Arrays.hashCode(request) & 1) == 0 ? "yes" : "no";
                content = escape("{\"result\": \"" + verdict + "\", \"rationale\": \"bench\"}");
            }
            byte[] body = ("{\"id\":\"b" + served.incrementAndGet() + "\",\"object\":\"chat.completion\",\"created\":1,"
                    + "\"model\":\"bench\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\""
                    + content + "\"},\"finish_reason\":\"stop\"}],"
                    + "\"usage\":{\"prompt_tokens\":300,\"completion_tokens\":12,\"total_tokens\":312}}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        System.out.println("fake LLM on 127.0.0.1:" + port + " with " + latency + " ms latency, " + threads + " threads");
    }

    /**
     * The alignment-cost scenario's world (model {@code bench-learner}): refund requests break the policy unless a
     * receipt is shown, and the judge knows it only when its prompt says so — a learned rule, a distilled guideline,
     * or a recalled example whose rationale mentions the receipt. Without that knowledge it calls a refund "yes" at
     * temperature 0, and at a sampling temperature (SIMBA's trajectories) half of the time "no", so the optimizer's
     * samples spread. Everything else it judges right.
     */
    static String learnerVerdict(String body, byte[] raw) {
        int user = body.lastIndexOf("\"role\":\"user\"");
        String question = user < 0 ? body : body.substring(user);
        boolean refund = question.contains("refund");
        boolean knows = body.contains("receipt");
        boolean sampling = body.contains("\"temperature\":1.0");
        String verdict = !refund ? "yes" : knows ? "no" : sampling && (java.util.Arrays.hashCode(raw) & 1) == 0 ? "no"
                : "yes";
        return "{\"result\": \"" + verdict + "\", \"rationale\": \"" + (refund ? "a refund request" : "fine") + "\"}";
    }

    /** The reflection model ({@code bench-reflector}): one answer both SIMBA's reflection and MemAlign's distillation read. */
    static final String REFLECTION = "{\"discussion\": \"Refunds were granted without a receipt.\", \"advice\": "
            + "\"If the judge sees a refund request without a receipt, it should answer no.\", \"guidelines\": "
            + "[{\"text\": \"A refund granted without a receipt breaks the policy: answer no.\", \"source_ids\": [1]}]}";

    /** The text as the value of a JSON string. */
    static String escape(String text) {
        return text.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
