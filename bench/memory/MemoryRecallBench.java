import com.fasterxml.jackson.databind.node.TextNode;
import dev.jury.judges.memory.MemoryExample;
import dev.jury.judges.memory.MemoryIndex;
import dev.jury.llm.embedded.TextEmbedder;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The latency a judge version's memory adds to each judge call: recalling the k nearest of EXAMPLES stored examples
 * for a query vector (Jury's exact scan, {@code judges.memory.MemoryIndex}), measured in-process over QUERIES queries
 * after a warm-up, with random unit vectors of the embedding model's 384 dimensions. Embedding the query itself is
 * the model's time (see the offline-judge scenario) and is not included.
 *
 * <pre>java MemoryRecallBench EXAMPLES QUERIES K OUT_JSON</pre>
 */
public class MemoryRecallBench {

    public static void main(String[] args) throws Exception {
        int examples = Integer.parseInt(args[0]);
        int queries = Integer.parseInt(args[1]);
        int k = Integer.parseInt(args[2]);
        Path out = Path.of(args[3]);
        var random = new Random(42);
        List<MemoryExample> memory = new ArrayList<>(examples);
        List<float[]> vectors = new ArrayList<>(examples);
        for (int i = 0; i < examples; i++) {
            memory.add(new MemoryExample(String.valueOf(i), TextNode.valueOf("q" + i), TextNode.valueOf("a" + i), null,
                    i % 3 == 0 ? "no" : "yes", ""));
            vectors.add(unit(random));
        }
        var index = new MemoryIndex(memory, vectors);
        for (int i = 0; i < 2_000; i++) {
            index.nearest(unit(random), k, null); // warm-up: JIT
        }
        double[] latencies = new double[queries];
        long started = System.nanoTime();
        for (int i = 0; i < queries; i++) {
            float[] query = unit(random);
            long t0 = System.nanoTime();
            index.nearest(query, k, String.valueOf(i % examples));
            latencies[i] = (System.nanoTime() - t0) / 1e6;
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        var result = Stats.result("memory-recall", latencies, queries, "recalls", seconds, 0,
                Map.of("examples", examples, "k", k, "dimensions", 384,
                        "note", "exact scan of the memory per judge call; the query's embedding is not included"));
        Stats.write(out, result);
        System.out.println(Stats.row(result));
    }

    private static float[] unit(Random random) {
        float[] v = new float[384];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return TextEmbedder.normalise(v);
    }
}
