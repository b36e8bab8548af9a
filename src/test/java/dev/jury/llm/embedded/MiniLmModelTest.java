package dev.jury.llm.embedded;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The lean session (no arena, one thread per run) must not change what the model computes. */
class MiniLmModelTest {

    private static final List<String> TEXTS = List.of(
            "The capital of France is Paris.",
            "query: How do I reset my password?\nresponse: Click 'Forgot password' on the sign-in page.",
            "Refunds are processed within 5 to 7 business days after we receive the returned item, "
                    + "as long as it is unused and in its original packaging.",
            "ok");

    @Test
    void givesLangChain4jsVectorsForTheSameWeights() {
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            List<float[]> lean = vectors(new MiniLmModel(threads));
            List<float[]> reference = vectors(new AllMiniLmL6V2QuantizedEmbeddingModel(threads));
            for (int i = 0; i < TEXTS.size(); i++) {
                assertEquals(384, lean.get(i).length);
                double cosine = cosine(lean.get(i), reference.get(i));
                assertTrue(cosine > 0.99999, "text " + i + ": cosine " + cosine);
            }
            // and the texts stay apart: a model answering the same vector for everything would pass the loop above
            assertTrue(cosine(lean.get(0), lean.get(2)) < 0.5, "unrelated texts look alike");
        } finally {
            threads.shutdownNow();
        }
    }

    private static List<float[]> vectors(EmbeddingModel model) {
        return model.embedAll(TEXTS.stream().map(TextSegment::from).toList()).content().stream()
                .map(e -> e.vector()).toList();
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }
}
