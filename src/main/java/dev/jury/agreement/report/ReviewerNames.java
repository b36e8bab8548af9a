package dev.jury.agreement.report;

import dev.jury.agreement.RatingTable;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/** What a report shows for its raters: a reviewer's OIDC subject becomes their username; imported sources keep their id. */
@ApplicationScoped
class ReviewerNames {

    @Inject
    AgroalDataSource dataSource;

    /** Subject → username for the raters of {@code table} that are known reviewers. */
    Map<String, String> of(RatingTable table) {
        String[] sources = new String[table.raterCount()];
        for (int r = 0; r < sources.length; r++) {
            sources[r] = String.valueOf(table.raterKey(r));
        }
        Map<String, String> names = new HashMap<>();
        if (sources.length == 0) {
            return names;
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement(
                     "SELECT subject, username FROM reviewer WHERE subject = ANY (?)")) {
            select.setArray(1, c.createArrayOf("text", sources));
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    names.put(rs.getString(1), rs.getString(2));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read reviewer names", e);
        }
        return names;
    }
}
