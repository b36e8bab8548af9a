package dev.jury.security;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.security.spi.runtime.AuthenticationSuccessEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Records every user seen through OIDC in the {@code reviewer} table (subject, username, name, e-mail, last seen),
 * so admins can add people to queues by username. Runs off the request path, on the async security event, and
 * writes at most once a minute per person.
 */
@ApplicationScoped
public class ReviewerDirectory {

    private static final Logger LOG = Logger.getLogger(ReviewerDirectory.class);
    private static final Duration THROTTLE = Duration.ofMinutes(1);

    private final Map<String, Long> lastWritten = new ConcurrentHashMap<>();

    @Inject
    EntityManager em;

    void onAuthenticated(@ObservesAsync AuthenticationSuccessEvent event) {
        var identity = event.getSecurityIdentity();
        if (identity == null || identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken jwt)) {
            return;
        }
        String subject = jwt.getSubject();
        String username = jwt.getClaim("preferred_username");
        if (subject == null || username == null) {
            return; // a service-account token without a person behind it
        }
        long now = System.currentTimeMillis();
        Long previous = lastWritten.get(subject);
        if (previous != null && now - previous < THROTTLE.toMillis()) {
            return;
        }
        lastWritten.put(subject, now);
        try {
            record(subject, username, jwt.getClaim("name"), jwt.getClaim("email"));
        } catch (RuntimeException e) {
            lastWritten.remove(subject);
            LOG.warnf(e, "Could not record user %s", username);
        }
    }

    /** Inserts or refreshes one person; safe under concurrent logins of the same person. */
    public void record(String subject, String username, String name, String email) {
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery("""
                        INSERT INTO reviewer (subject, username, name, email, first_seen, last_seen)
                        VALUES (:subject, :username, :name, :email, now(), now())
                        ON CONFLICT (subject) DO UPDATE
                           SET username = EXCLUDED.username, name = EXCLUDED.name,
                               email = EXCLUDED.email, last_seen = now()
                        """)
                .setParameter("subject", subject).setParameter("username", username)
                .setParameter("name", name).setParameter("email", email)
                .executeUpdate());
    }
}
