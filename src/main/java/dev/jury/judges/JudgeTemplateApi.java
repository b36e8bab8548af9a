package dev.jury.judges;

import dev.jury.judges.templates.JudgeTemplate;
import dev.jury.judges.templates.JudgeTemplates;
import dev.jury.judges.templates.TemplateJudge;
import dev.jury.rubrics.RubricLevel;
import dev.jury.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.List;
import java.util.Locale;

/** The judge templates as JSON: what {@code POST …/judges} accepts as {@code template}, with the fields each needs. */
@Path("/api/v1/judge-templates")
@RolesAllowed({Roles.ADMIN, Roles.SERVICE})
@Produces(MediaType.APPLICATION_JSON)
public class JudgeTemplateApi {

    public record FieldView(String path, String description) {
    }

    /**
     * @param instructions the template's instructions without parameters ({@link JudgeTemplates#preview})
     * @param rubric       the yes/no levels it saves as the judge's rubric
     */
    public record TemplateView(String key, String title, String description, List<FieldView> requiredFields,
                               String answer, List<String> parameters, boolean builtIn, String instructions,
                               List<RubricLevel> rubric) {

        static TemplateView of(JudgeTemplate t) {
            TemplateJudge preview = JudgeTemplates.preview(t);
            return new TemplateView(t.key(), t.title(), t.description(), t.requires().stream()
                    .map(f -> new FieldView(f.path(), f.description())).toList(), t.answer().name().toLowerCase(Locale.ROOT), t.parameters(), t.builtIn(),
                    preview.instructions(), preview.rubric().levels());
        }
    }

    @GET
    public List<TemplateView> list() {
        return JudgeTemplates.all().stream().map(TemplateView::of).toList();
    }
}
