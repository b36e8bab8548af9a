package dev.jury.experiments;

import dev.jury.security.CurrentUser;
import dev.jury.security.Roles;
import dev.jury.web.Flash;
import dev.jury.web.ProblemException;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.RestForm;

import java.util.List;

/** Admin pages: list and create experiments. */
@Path("/experiments")
@RolesAllowed(Roles.ADMIN)
@Produces(MediaType.TEXT_HTML)
public class ExperimentResource {

    @Inject
    ExperimentService experiments;

    @Inject
    CurrentUser user;

    /** What the create form shows: the values typed and any inline errors. */
    public record CreateForm(String name, String description, String nameError) {
        static CreateForm empty() {
            return new CreateForm("", "", null);
        }
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance list(List<Experiment> experiments, CreateForm form);

        static native TemplateInstance detail(Experiment experiment);
    }

    @GET
    public TemplateInstance list() {
        return Templates.list(experiments.list(), CreateForm.empty());
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response create(@RestForm String name, @RestForm String description) {
        try {
            var created = experiments.create(name, description, user.username());
            return Flash.redirect("/experiments", "Experiment '" + created.name + "' created.");
        } catch (ProblemException e) {
            var form = new CreateForm(name, description, e.messageFor("name") != null ? e.messageFor("name") : e.getMessage());
            return Response.status(e.status()).entity(Templates.list(experiments.list(), form)).build();
        }
    }

    @GET
    @Path("{name}")
    public TemplateInstance detail(@PathParam("name") String name) {
        return Templates.detail(experiments.get(name));
    }
}
