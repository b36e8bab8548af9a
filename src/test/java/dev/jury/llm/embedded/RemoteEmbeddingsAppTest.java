package dev.jury.llm.embedded;

import dev.langchain4j.data.segment.TextSegment;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** With {@code jury.embeddings.url} set, the app's vectors come from the embedding server and are cached as usual. */
@QuarkusTest
@TestProfile(EmbeddingServerProfile.class)
class RemoteEmbeddingsAppTest {

    @Inject
    EmbeddingService embeddings;

    @Inject
    AgroalDataSource dataSource;

    @Test
    void vectorsComeFromTheServerAreTheModelsAndAreStoredWithoutLoadingTheModelHere() throws Exception {
        String run = UUID.randomUUID().toString();
        List<String> texts = List.of("Where is my parcel? " + run, "The capital of France is Paris. " + run);

        List<float[]> vectors = embeddings.embed(texts);

        assertFalse(embeddings.isLoaded(), "the app loaded the model although an embedding server is configured");
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            var local = new MiniLmModel(threads);
            for (int i = 0; i < texts.size(); i++) {
                float[] expected = TextEmbedder.normalise(local.embed(TextSegment.from(texts.get(i))).content().vector());
                assertArrayEquals(expected, vectors.get(i), 1e-5f, "text " + i);
            }
        } finally {
            threads.shutdownNow();
        }
        try (var c = dataSource.getConnection(); var count = c.prepareStatement(
                "SELECT count(*) FROM embedding WHERE model = ? AND text_hash = ANY (?)")) {
            count.setString(1, EmbeddingService.MODEL_NAME);
            count.setArray(2, c.createArrayOf("text",
                    texts.stream().map(EmbeddingService::hash).toArray()));
            try (var rows = count.executeQuery()) {
                rows.next();
                assertEquals(texts.size(), rows.getInt(1), "the server's vectors were not cached in PostgreSQL");
            }
        }
    }
}
