package dev.jury.production.monitor;

import dev.jury.security.Roles;
import dev.jury.web.Problem;
import dev.jury.web.ProblemException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.RestQuery;

import java.util.List;

/**
 * The monitor page's figures as JSON: {@code GET …/monitor?window=day|week} (docs/production.md, "Monitoring a judge
 * against humans"). Another window is a 400 problem naming the parameter.
 */
@Path("/api/v1/experiments/{exp}/judges/{name}/monitor")
@RolesAllowed(Roles.ADMIN)
@Produces(MediaType.APPLICATION_JSON)
public class JudgeMonitorApi {

    @Inject
    JudgeMonitorService service;

    @GET
    public JudgeMonitorService.Monitor get(@PathParam("exp") String exp, @PathParam("name") String name,
                                           @RestQuery String window) {
        Window w;
        try {
            w = Window.parse(window);
        } catch (IllegalArgumentException e) {
            String message = "Unknown window '" + window + "': " + e.getMessage() + ".";
            throw new ProblemException(400, "Bad request", message,
                    List.of(Problem.FieldError.field("window", message)));
        }
        return service.monitor(exp, name, w);
    }
}
