package dev.jury.web;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Htmx} is the one writer of the htmx headers: no other main class sets {@code Vary} or names an
 * {@code HX-} header in code (comments may mention them). A resource that copies the headers by hand again fails here.
 */
class HtmxHeadersOwnerTest {

    private static final Pattern HAND_WRITTEN = Pattern.compile("\"(Vary|HX-[A-Za-z-]+)\"|HttpHeaders\\.VARY");
    private static final Path OWNER = Path.of("src/main/java/dev/jury/web/Htmx.java");

    @Test
    void onlyHtmxWritesVaryAndHxHeaders() throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java") && !f.equals(OWNER)).toList()) {
                List<String> lines = Files.readAllLines(file);
                for (int i = 0; i < lines.size(); i++) {
                    String line = lines.get(i).strip();
                    if (!line.startsWith("*") && !line.startsWith("//") && HAND_WRITTEN.matcher(line).find()) {
                        found.add(file + ":" + (i + 1) + ": " + line);
                    }
                }
            }
        }
        assertEquals(List.of(), found, "htmx headers written outside web.Htmx");
    }

    @Test
    void thePatternSeesAHandWrittenHeader() {
        // the rule above must be able to fail: these are the shapes the resources used before web.Htmx built answers
        for (String line : List.of(".header(HttpHeaders.VARY, x)", ".header(\"Vary\", x)",
                "response.header(\"HX-Push-Url\", url)")) {
            assertTrue(HAND_WRITTEN.matcher(line).find(), line);
        }
    }
}
