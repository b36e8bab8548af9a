package dev.jury;

import dev.jury.demo.DemoFiles;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The repository is the whole product (docs/demo.md, "Works offline, out of the box"): a fresh clone with nothing
 * beside it builds, tests, deploys and has its demo. Before the demo data was bundled, the app and three tests read
 * {@code ../shared/data/demo/}, a folder outside the repository, and this test fails on that code.
 *
 * <p>The rule, kept simple: in the files of the build, app, tests, deploy scripts and CI ({@link #CHECKED}), no
 * line may contain
 * <ul>
 *   <li>{@code shared/data} — the folder the demo used to read;</li>
 *   <li>{@code ../} or {@code ..\} followed by a name — a relative path that climbs and then descends, i.e. leaves
 *       the folder it starts from for a sibling (a bare {@code ../..}, as in {@code $(dirname $0)/../..} of the
 *       deploy scripts finding the repository root, is not flagged: it names no place outside);</li>
 *   <li>{@code ".."} — a quoted parent-directory component, as in {@code Path.of("..", "shared", …)}.</li>
 * </ul>
 * An ellipsis ({@code .../x}, {@code ...,}) does not match. Exceptions are listed in {@link #ALLOWED} with why.
 * Also checked: every demo file {@code DemoData} reads from the classpath is in {@code src/main/resources/demo/}
 * with the sha256 given in the README beside it.
 */
class SelfContainedRepositoryTest {

    /** Top-level files and folders that make up the build, the app, the tests, deployment and CI. */
    static final List<String> CHECKED = List.of("pom.xml", ".mvn/", ".ci/", "src/", "deploy/", "bench/");
    static final Pattern OUTSIDE = Pattern.compile("shared/data|(?<![.\\w])\\.\\.[/\\\\]+(?=[\\w$~-])|\"\\.\\.\"");
    /** Exact files the rule does not apply to, each with its reason. */
    static final Set<String> ALLOWED = Set.of(
            // This file spells out the patterns it looks for.
            "src/test/java/dev/jury/SelfContainedRepositoryTest.java");
    static final Path DEMO_DIR = Path.of("src", "main", "resources", "demo");
    static final Pattern SHA256 = Pattern.compile("`([0-9a-f]{64})`");

    final Path root = Path.of("").toAbsolutePath();

    @Test
    void noFileOfTheBuildAppTestsOrDeploymentReachesOutsideTheRepository() throws IOException {
        List<String> files = repositoryFiles();
        assertTrue(files.contains("pom.xml"), "run from the project directory: " + root);
        List<String> found = new ArrayList<>();
        int checked = 0;
        for (String file : files) {
            if (CHECKED.stream().noneMatch(file::startsWith) || ALLOWED.contains(file) || isBundledData(file)) {
                continue;
            }
            byte[] bytes = Files.readAllBytes(root.resolve(file));
            if (isBinary(bytes)) {
                continue;
            }
            checked++;
            List<String> lines = new String(bytes, StandardCharsets.UTF_8).lines().toList();
            for (int i = 0; i < lines.size(); i++) {
                Matcher m = OUTSIDE.matcher(lines.get(i));
                if (m.find()) {
                    found.add(file + ":" + (i + 1) + ": " + lines.get(i).strip());
                }
            }
        }
        assertTrue(checked > 100, "only " + checked + " files checked; is the file list right?");
        assertEquals(List.of(), found, "paths that leave the repository (bundle the data inside it instead)");
    }

    @Test
    void everyBundledDemoFileIsThereWithTheSha256OfItsReadme() throws IOException {
        String readme = Files.readString(root.resolve(DEMO_DIR).resolve("README.md"));
        assertFalse(DemoFiles.BUNDLED.isEmpty());
        for (String name : DemoFiles.BUNDLED) {
            Path file = root.resolve(DEMO_DIR).resolve(name);
            assertTrue(Files.isRegularFile(file), file + " is missing");
            String row = readme.lines().filter(l -> l.startsWith("| `" + name + "` |")).findFirst()
                    .orElseThrow(() -> new AssertionError("no row for " + name + " in " + DEMO_DIR + "/README.md"));
            Matcher sha = SHA256.matcher(row);
            assertTrue(sha.find(), "no sha256 in the README row of " + name);
            assertEquals(sha.group(1), sha256(Files.readAllBytes(file)), name + ": sha256 differs from the README");
            assertTrue(getClass().getResource("/" + DemoFiles.CLASSPATH_DIR + name) != null, name + " on the classpath");
        }
    }

    /** Tracked and new (not ignored) files from git; without git, every file outside {@code target/} and {@code .git}. */
    List<String> repositoryFiles() throws IOException {
        try {
            Process git = new ProcessBuilder("git", "ls-files", "--cached", "--others", "--exclude-standard")
                    .directory(root.toFile()).redirectErrorStream(false).start();
            byte[] out = git.getInputStream().readAllBytes();
            if (git.waitFor(30, TimeUnit.SECONDS) && git.exitValue() == 0) {
                return new String(out, StandardCharsets.UTF_8).lines().filter(f -> Files.isRegularFile(root.resolve(f)))
                        .toList();
            }
        } catch (IOException e) {
            // no git on this machine: walk the tree below
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).map(p -> root.relativize(p).toString().replace('\\', '/'))
                    .filter(f -> !f.startsWith("target/") && !f.startsWith(".git/") && !f.equals(".git")).toList();
        }
    }

    /** Third-party text (answers, code in responses), checked by sha256 instead of for paths. */
    private static boolean isBundledData(String file) {
        return DemoFiles.BUNDLED.stream().anyMatch(name -> file.equals("src/main/resources/demo/" + name));
    }

    private static boolean isBinary(byte[] bytes) {
        for (int i = 0; i < Math.min(bytes.length, 8000); i++) {
            if (bytes[i] == 0) {
                return true;
            }
        }
        return false;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
