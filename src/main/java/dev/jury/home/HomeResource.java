package dev.jury.home;

import dev.jury.security.CurrentUser;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.Authenticated;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.List;

/** The landing page: a reviewer's queues, and for admins the admin menu. */
@Path("/")
@Produces(MediaType.TEXT_HTML)
public class HomeResource {

    @Inject
    CurrentUser user;

    @Inject
    Instance<QueueDirectory> queues;

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance home(List<QueueDirectory.QueueSummary> queues);

        static native TemplateInstance signedOut();
    }

    @GET
    @Authenticated
    public TemplateInstance home() {
        List<QueueDirectory.QueueSummary> mine = queues.isResolvable()
                ? queues.get().queuesFor(user.subject(), user.username())
                : List.of();
        return Templates.home(mine);
    }

    /** Where Keycloak sends the browser after logout; public so it can render without a session. */
    @GET
    @Path("signed-out")
    @jakarta.annotation.security.PermitAll
    public TemplateInstance signedOut() {
        return Templates.signedOut();
    }
}
