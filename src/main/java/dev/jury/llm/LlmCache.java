package dev.jury.llm;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.sql.SQLException;
import java.util.Optional;

/**
 * Answers to deterministic requests, in {@code llm_cache}. A failing cache never fails a call: lookups and writes
 * that go wrong are logged and treated as a miss.
 */
@ApplicationScoped
class LlmCache {

    private static final Logger LOG = Logger.getLogger(LlmCache.class);

    record Entry(String text, int inputTokens, int outputTokens) {
    }

    @Inject
    AgroalDataSource dataSource;

    Optional<Entry> find(String key) {
        try (var connection = dataSource.getConnection();
             var select = connection.prepareStatement(
                     "SELECT response_text, input_tokens, output_tokens FROM llm_cache WHERE cache_key = ?")) {
            select.setString(1, key);
            try (var rows = select.executeQuery()) {
                return rows.next() ? Optional.of(new Entry(rows.getString(1), rows.getInt(2), rows.getInt(3)))
                        : Optional.empty();
            }
        } catch (SQLException e) {
            LOG.warnf("LLM cache lookup failed (%s); calling the provider", e.getMessage());
            return Optional.empty();
        }
    }

    void store(String key, ProviderModel model, Entry entry) {
        try (var connection = dataSource.getConnection();
             var insert = connection.prepareStatement("""
                     INSERT INTO llm_cache (cache_key, provider, model, response_text, input_tokens, output_tokens)
                     VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (cache_key) DO NOTHING""")) {
            insert.setString(1, key);
            insert.setString(2, model.provider().id);
            insert.setString(3, LlmException.abbreviate(model.model(), 250));
            insert.setString(4, entry.text());
            insert.setInt(5, entry.inputTokens());
            insert.setInt(6, entry.outputTokens());
            insert.executeUpdate();
        } catch (SQLException e) {
            LOG.warnf("Could not store an LLM answer in the cache (%s)", e.getMessage());
        }
    }
}
