package dev.jury.security;

import io.quarkus.security.Authenticated;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.Set;

/** Who am I: lets scripts and services check the token they hold. */
@Path("/api/v1/me")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class MeApi {

    @Inject
    CurrentUser user;

    public record Me(String subject, String username, String name, String email, Set<String> roles) {
    }

    @GET
    public Me me() {
        return new Me(user.subject(), user.username(), user.displayName(), user.email(), user.roles());
    }
}
