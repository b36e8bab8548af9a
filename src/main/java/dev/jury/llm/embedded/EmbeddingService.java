package dev.jury.llm.embedded;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Array;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The in-process embedding model: all-MiniLM-L6-v2 (quantized ONNX, 384 dimensions), its weights inside the
 * LangChain4j jar, so it works with no network. Loaded lazily on the first text (a few seconds), once, and shared
 * by every thread (ONNX Runtime sessions are thread-safe); its session is set up to stay small ({@link MiniLmModel}).
 *
 * <p>Nothing is embedded twice: vectors are kept in a bounded in-memory LRU and in the {@code embedding} table,
 * keyed by the model name and the SHA-256 of the text, so a restart, a second replica or the next alignment run
 * reads them back instead of computing them. A batch is looked up in one query and its misses are embedded together
 * and stored in one batch. A failing cache never fails a call: it is logged and the text is embedded.
 *
 * <p>With {@code jury.embeddings.url} set, the model runs in its own process ({@link EmbedderServer}) and this
 * process never loads it: the caches stay here, only texts in no cache go over the wire.
 */
@ApplicationScoped
public class EmbeddingService implements TextEmbedder {

    private static final Logger LOG = Logger.getLogger(EmbeddingService.class);
    public static final String MODEL_NAME = "all-minilm-l6-v2-q";
    /** About 1.5 KB per vector: 20,000 vectors are some 30 MB. */
    private static final int MEMORY_ENTRIES = 20_000;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    MeterRegistry registry;

    @ConfigProperty(name = "jury.embeddings.url")
    Optional<String> remoteUrl;

    @ConfigProperty(name = "jury.embeddings.token")
    Optional<String> remoteToken;

    @ConfigProperty(name = "jury.embeddings.timeout", defaultValue = "60S")
    Duration remoteTimeout;

    /** The model in its own process, or null: in this one. */
    private RemoteEmbeddings remote;

    private volatile EmbeddingModel model;
    private ExecutorService modelThreads;
    private final Map<String, float[]> recent = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, float[]> eldest) {
            return size() > MEMORY_ENTRIES;
        }
    };

    @PostConstruct
    void connect() {
        remoteUrl.filter(url -> !url.isBlank()).ifPresent(url -> {
            remote = new RemoteEmbeddings(url, remoteToken.orElseThrow(() -> new IllegalStateException(
                    "jury.embeddings.url is set but jury.embeddings.token is not: the embedding server needs it")),
                    remoteTimeout);
            LOG.infof("Embeddings come from the embedding server at %s", url);
        });
    }

    @Override
    public String modelName() {
        return MODEL_NAME;
    }

    /** Whether the model has been loaded in this process (the first text loads it). */
    public boolean isLoaded() {
        return model != null;
    }

    @Override
    public List<float[]> embed(List<String> texts) {
        List<float[]> result = new ArrayList<>(texts.size());
        Map<String, List<Integer>> missing = new LinkedHashMap<>();
        List<String> hashes = new ArrayList<>(texts.size());
        synchronized (recent) {
            for (int i = 0; i < texts.size(); i++) {
                String hash = hash(texts.get(i));
                hashes.add(hash);
                float[] known = recent.get(hash);
                result.add(known);
                if (known == null) {
                    missing.computeIfAbsent(hash, h -> new ArrayList<>()).add(i);
                }
            }
        }
        if (missing.isEmpty()) {
            count("memory", texts.size());
            return result;
        }
        count("memory", texts.size() - missing.values().stream().mapToInt(List::size).sum());
        Map<String, float[]> stored = load(missing.keySet());
        count("database", stored.size());
        List<String> toEmbed = new ArrayList<>();
        List<String> toEmbedHashes = new ArrayList<>();
        for (var entry : missing.entrySet()) {
            if (!stored.containsKey(entry.getKey())) {
                toEmbedHashes.add(entry.getKey());
                toEmbed.add(texts.get(entry.getValue().get(0)));
            }
        }
        Map<String, float[]> computed = new HashMap<>();
        if (!toEmbed.isEmpty()) {
            List<float[]> vectors = compute(toEmbed);
            for (int i = 0; i < vectors.size(); i++) {
                computed.put(toEmbedHashes.get(i), vectors.get(i));
            }
            save(computed);
            count("model", toEmbed.size());
        }
        synchronized (recent) {
            for (var entry : missing.entrySet()) {
                float[] vector = stored.containsKey(entry.getKey()) ? stored.get(entry.getKey())
                        : computed.get(entry.getKey());
                recent.put(entry.getKey(), vector);
                for (int index : entry.getValue()) {
                    result.set(index, vector);
                }
            }
        }
        return result;
    }

    /** Runs the model on texts that are in no cache. */
    private List<float[]> compute(List<String> texts) {
        long started = System.nanoTime();
        List<float[]> raw;
        if (remote != null) {
            raw = remote.embed(texts);
        } else {
            List<TextSegment> segments = texts.stream().map(t -> TextSegment.from(t.isBlank() ? " " : t)).toList();
            raw = loaded().embedAll(segments).content().stream().map(Embedding::vector).toList();
        }
        Timer.builder("jury.embeddings.model.time").description("Time the embedding model spent per batch")
                .tag("where", remote != null ? "server" : "in-process")
                .register(registry).record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        List<float[]> vectors = new ArrayList<>(raw.size());
        for (float[] v : raw) {
            vectors.add(TextEmbedder.normalise(v));
        }
        return vectors;
    }

    private EmbeddingModel loaded() {
        EmbeddingModel m = model;
        if (m != null) {
            return m;
        }
        synchronized (this) {
            if (model == null) {
                long started = System.nanoTime();
                int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
                modelThreads = Executors.newFixedThreadPool(threads, task -> {
                    Thread thread = new Thread(task, "jury-embedding");
                    thread.setDaemon(true);
                    return thread;
                });
                model = new MiniLmModel(modelThreads);
                LOG.infof("Loaded the embedding model %s in %d ms", MODEL_NAME,
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            }
            return model;
        }
    }

    private Map<String, float[]> load(java.util.Collection<String> hashes) {
        Map<String, float[]> found = new HashMap<>();
        try (var connection = dataSource.getConnection();
             var select = connection.prepareStatement(
                     "SELECT text_hash, vector FROM embedding WHERE model = ? AND text_hash = ANY (?)")) {
            Array keys = connection.createArrayOf("text", hashes.toArray());
            select.setString(1, MODEL_NAME);
            select.setArray(2, keys);
            try (var rows = select.executeQuery()) {
                while (rows.next()) {
                    found.put(rows.getString(1), decode(rows.getBytes(2)));
                }
            }
        } catch (SQLException e) {
            LOG.warnf("Embedding cache lookup failed (%s); embedding the texts again", e.getMessage());
        }
        return found;
    }

    private void save(Map<String, float[]> vectors) {
        try (var connection = dataSource.getConnection();
             var insert = connection.prepareStatement("""
                     INSERT INTO embedding (model, text_hash, dimensions, vector) VALUES (?, ?, ?, ?)
                     ON CONFLICT (model, text_hash) DO NOTHING""")) {
            for (var entry : vectors.entrySet()) {
                insert.setString(1, MODEL_NAME);
                insert.setString(2, entry.getKey());
                insert.setInt(3, entry.getValue().length);
                insert.setBytes(4, encode(entry.getValue()));
                insert.addBatch();
            }
            insert.executeBatch();
        } catch (SQLException e) {
            LOG.warnf("Could not store embeddings in the cache (%s)", e.getMessage());
        }
    }

    private void count(String source, int texts) {
        if (texts > 0) {
            Counter.builder("jury.embeddings.texts").description("Texts embedded, by where the vector came from")
                    .tag("source", source).register(registry).increment(texts);
        }
    }

    /** SHA-256 of the UTF-8 text, hex: the cache key together with the model name. */
    static String hash(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] encode(float[] vector) {
        ByteBuffer buffer = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : vector) {
            buffer.putFloat(v);
        }
        return buffer.array();
    }

    static float[] decode(byte[] bytes) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        float[] vector = new float[bytes.length / Float.BYTES];
        for (int i = 0; i < vector.length; i++) {
            vector[i] = buffer.getFloat();
        }
        return vector;
    }
}
