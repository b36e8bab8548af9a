package dev.jury.deploy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * deploy/fast-start.sh with a real JVM on a tiny jar whose main class prints its JVM options: the first start of a
 * jar writes the class-data archive when it exits, the next one maps it, a rebuilt jar writes it again, the
 * caller's options come after deploy/jvm.options, and a Java agent or JFR started with the JVM starts without the
 * archive (the two crash OpenJDK 17). (The start-time figures are the bench's: docs/performance.md.)
 */
class FastStartScriptTest {

    private static final Path SCRIPT = Path.of("deploy/fast-start.sh").toAbsolutePath();

    @TempDir
    Path dir;

    private record Started(int exit, List<String> options, String stderr) {
    }

    @Test
    void theFirstStartWritesTheArchiveAndTheNextStartsMapIt() throws Exception {
        Path jar = probeJar();
        Path archive = Path.of(jar + ".jsa");

        Started first = start(jar.toString(), "-Dprobe=first");
        assertEquals(0, first.exit(), first.stderr());
        assertTrue(first.options().contains("-XX:ArchiveClassesAtExit=" + archive), first.options().toString());
        assertTrue(first.stderr().contains("this start writes " + archive + " when Jury stops"), first.stderr());
        assertTrue(Files.size(archive) > 0, "the JVM wrote the archive on exit");
        assertTrue(Files.exists(Path.of(archive + ".stamp")));

        Started second = start(jar.toString(), "-Dprobe=second", "-Xmx256m");
        assertEquals(0, second.exit(), second.stderr());
        assertTrue(second.options().contains("-XX:SharedArchiveFile=" + archive), second.options().toString());
        assertFalse(second.options().stream().anyMatch(o -> o.startsWith("-XX:ArchiveClassesAtExit")));
        assertFalse(second.stderr().contains("writes"), second.stderr());
        assertTrue(second.options().indexOf("-Xmx256m") > second.options().indexOf("-Xmx512m"),
                "deploy/jvm.options first, the caller's options after them (the later one wins): " + second.options());
        assertTrue(second.options().contains("-Dprobe=second"));

        // a new build of the jar: the archive no longer matches and is written again
        Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 10_000));
        Started rebuilt = start(jar.toString());
        assertTrue(rebuilt.options().contains("-XX:ArchiveClassesAtExit=" + archive), rebuilt.options().toString());
        assertTrue(Files.size(archive) > 0);
    }

    @Test
    void aJavaAgentStartsWithoutTheArchive() throws Exception {
        Path jar = probeJar();
        assertEquals(0, start(jar.toString()).exit()); // writes the archive

        Started agent = start(jar.toString(), "-javaagent:" + jar);
        assertEquals(0, agent.exit(), agent.stderr());
        assertTrue(agent.options().contains("-javaagent:" + jar), agent.options().toString());
        assertFalse(agent.options().stream()
                .anyMatch(o -> o.contains("SharedArchiveFile") || o.contains("ArchiveClassesAtExit")),
                agent.options().toString());
        assertTrue(agent.stderr().contains(
                "-javaagent and the class-data archive crash the JVM; starting without the archive"), agent.stderr());
        assertTrue(agent.options().contains("-Xmx512m"), "deploy/jvm.options still apply: " + agent.options());
    }

    @Test
    void jfrStartedWithTheJvmStartsWithoutTheArchive() throws Exception {
        Path jar = probeJar();
        assertEquals(0, start(jar.toString()).exit()); // writes the archive

        Started jfr = start(Map.of("JAVA_TOOL_OPTIONS", "-XX:StartFlightRecording=filename=" + dir.resolve("r.jfr")),
                jar.toString());
        assertEquals(0, jfr.exit(), jfr.stderr());
        assertFalse(jfr.options().stream().anyMatch(o -> o.contains("SharedArchiveFile")), jfr.options().toString());
        assertTrue(jfr.stderr().contains(
                "-XX:StartFlightRecording and the class-data archive crash the JVM; starting without the archive"),
                jfr.stderr());
    }

    @Test
    void withoutAJarItSaysHowToBuildOne() throws Exception {
        Started none = start(dir.resolve("missing-runner.jar").toString());
        assertEquals(2, none.exit());
        assertTrue(none.stderr().contains("-Dquarkus.package.jar.type=uber-jar"), none.stderr());
    }

    /** A jar whose main class and Java agent is {@link FastStartProbe}. */
    private Path probeJar() throws IOException {
        Path jar = dir.resolve("probe-runner.jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, FastStartProbe.class.getName());
        manifest.getMainAttributes().put(new Attributes.Name("Premain-Class"), FastStartProbe.class.getName());
        String entry = FastStartProbe.class.getName().replace('.', '/') + ".class";
        try (var out = new JarOutputStream(Files.newOutputStream(jar), manifest);
             InputStream in = FastStartProbe.class.getResourceAsStream("/" + entry)) {
            out.putNextEntry(new JarEntry(entry));
            in.transferTo(out);
            out.closeEntry();
        }
        return jar;
    }

    private Started start(String... args) throws Exception {
        return start(Map.of(), args);
    }

    private Started start(Map<String, String> environment, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(SCRIPT.toString()));
        command.addAll(List.of(args));
        Path err = dir.resolve("stderr.txt");
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(err.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the probe ended");
        return new Started(process.exitValue(), out.lines().toList(), Files.readString(err));
    }
}
