package dev.jury.llm.embedded;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTestProfile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/** Jury with the embedding model in its own process: a real {@link EmbedderServer} on loopback, named by config. */
public class EmbeddingServerProfile implements QuarkusTestProfile {

    static final String TOKEN = "profile-embedder-token-not-a-secret";

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(Server.class));
    }

    public static class Server implements QuarkusTestResourceLifecycleManager {

        private EmbedderServer server;

        @Override
        public Map<String, String> start() {
            try {
                server = EmbedderServer.start("127.0.0.1", 0, TOKEN);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return Map.of("jury.embeddings.url", "http://127.0.0.1:" + server.port(),
                    "jury.embeddings.token", TOKEN);
        }

        @Override
        public void stop() {
            if (server != null) {
                server.close();
            }
        }
    }
}
