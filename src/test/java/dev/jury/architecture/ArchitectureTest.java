package dev.jury.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static com.tngtech.archunit.core.domain.JavaCall.Predicates.target;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.nameMatching;
import static com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static com.tngtech.archunit.base.DescribedPredicate.and;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.type;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The rules of the house (docs/architecture.md), checked on the compiled classes and, for SQL, on the sources:
 * feature packages form no cycle, the pure cores import no framework, and only {@code dev.jury.labels} writes the
 * {@code assessment} table or spells out what a current label is.
 */
class ArchitectureTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.jury");
    }

    /** Every Java package is a slice: a pure core such as dev.jury.agreement is not the report built on it. */
    @Test
    void packagesFormNoCycle() {
        slices().matching("dev.jury.(**)").should().beFreeOfCycles().check(classes);
    }

    @Test
    void pureCoresImportNoFramework() {
        noClasses().that().resideInAnyPackage("dev.jury.agreement", "dev.jury.alignment.simba",
                        "dev.jury.alignment.fewshot", "dev.jury.alignment.memalign", "dev.jury.judges.memory",
                        "dev.jury.judges.templates", "dev.jury.llm.embedded.knn")
                .should().dependOnClassesThat().resideInAnyPackage("io.quarkus..", "jakarta.persistence..",
                        "jakarta.enterprise..", "jakarta.transaction..", "jakarta.ws.rs..", "org.hibernate..",
                        "io.agroal..", "io.smallrye..")
                .because("statistics and optimizers are plain code, unit-tested without a container")
                .check(classes);
    }

    /** The template catalogue is below the judges: judges and runs use it, it uses neither (no package cycle). */
    @Test
    void judgeTemplatesDependOnNeitherJudgesNorRuns() {
        noClasses().that().resideInAPackage("dev.jury.judges.templates")
                .should().dependOnClassesThat().resideInAnyPackage("dev.jury.judges", "dev.jury.judges.run",
                        "dev.jury.judges.prompt", "dev.jury.judges.memory")
                .because("judges -> judges.templates and judges.run -> judges.templates, never back")
                .check(classes);
    }

    @Test
    void onlyLabelsStoresAssessmentEntities() {
        noClasses().that().resideOutsideOfPackage("dev.jury.labels..")
                .should().callMethodWhere(target(owner(type(dev.jury.labels.Assessment.class)))
                        .and(target(nameMatching("persist.*|delete.*|update|flush"))))
                .because("labels are appended through LabelWriter only")
                .check(classes);
    }

    /** SQL that writes the table, or the "current" condition written out, outside dev.jury.labels. */
    private static final Pattern LABEL_SQL = Pattern.compile(
            "(INSERT\\s+INTO|UPDATE|DELETE\\s+FROM|TRUNCATE)\\s+assessment\\b|superseded_?by\\s+IS\\s+NULL",
            Pattern.CASE_INSENSITIVE);

    @Test
    void onlyLabelsWritesAssessmentSql() throws IOException {
        Path root = Path.of("src/main/java/dev/jury");
        Path labels = root.resolve("labels");
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java") && !f.startsWith(labels)).toList()) {
                List<String> lines = Files.readAllLines(file);
                for (int i = 0; i < lines.size(); i++) {
                    if (LABEL_SQL.matcher(lines.get(i)).find()) {
                        found.add(file + ":" + (i + 1) + ": " + lines.get(i).strip());
                    }
                }
            }
        }
        assertEquals(List.of(), found, "only dev.jury.labels writes assessment or spells out a current label "
                + "(use LabelWriter, the view current_assessment or LabelSql)");
    }

    @Test
    void theSqlRuleWouldSeeAWriter() {
        // The rule is only as good as its pattern: the statements it exists to catch must match it.
        for (String sql : List.of("INSERT INTO assessment (trace_id)", "UPDATE assessment SET superseded_by = ?",
                "update assessment a set", "WHERE a.superseded_by IS NULL", "supersededBy is null")) {
            assertEquals(true, LABEL_SQL.matcher(sql).find(), sql);
        }
        assertEquals(false, LABEL_SQL.matcher("SELECT 1 FROM current_assessment a").find());
    }
}
