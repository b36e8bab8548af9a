package dev.jury.security;

import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.util.Set;
import java.util.TreeSet;

/**
 * The signed-in user as the application sees them, whether they arrived through the browser code flow (ID token)
 * or with a bearer token. Templates reach it as {@code {inject:currentUser}}.
 */
@RequestScoped
@Named("currentUser")
public class CurrentUser {

    @Inject
    SecurityIdentity identity;

    public boolean isSignedIn() {
        return !identity.isAnonymous();
    }

    /** The OIDC subject: the stable key of a person, used as the source of their labels. */
    public String subject() {
        if (identity.getPrincipal() instanceof JsonWebToken jwt && jwt.getSubject() != null) {
            return jwt.getSubject();
        }
        return identity.isAnonymous() ? null : identity.getPrincipal().getName();
    }

    public String username() {
        return claim("preferred_username", identity.isAnonymous() ? null : identity.getPrincipal().getName());
    }

    public String displayName() {
        String name = claim("name", null);
        return name == null || name.isBlank() ? username() : name;
    }

    public String email() {
        return claim("email", null);
    }

    public Set<String> roles() {
        return new TreeSet<>(identity.getRoles());
    }

    public boolean isAdmin() {
        return identity.hasRole(Roles.ADMIN);
    }

    public boolean isReviewer() {
        return identity.hasRole(Roles.REVIEWER);
    }

    public boolean isService() {
        return identity.hasRole(Roles.SERVICE);
    }

    private String claim(String name, String fallback) {
        if (identity.getPrincipal() instanceof JsonWebToken jwt) {
            Object value = jwt.getClaim(name);
            if (value != null) {
                return value.toString();
            }
        }
        return fallback;
    }
}
