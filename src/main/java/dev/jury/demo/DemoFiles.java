package dev.jury.demo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the demo data sets are read from: the copies bundled with Jury on the classpath under {@code /demo/}
 * (src/main/resources/demo, sources, licences and sha256 in the README there), or a folder holding the upstream
 * files under their upstream names ({@code jury.demo.data-dir}).
 *
 * <p>The bundled HaluEval file holds only the lines the demo uses (original lines 1, 16, 31, …), so both sources
 * answer the HaluEval sample as lines with their <em>original</em> line numbers: the demo's trace keys
 * ({@code halueval-<line>}) stay the same whichever was read.
 */
public final class DemoFiles {

    static final String PANDALM = "pandalm_testset-v1.json";
    static final String TRUTHFULQA = "TruthfulQA.csv";
    /** The upstream HaluEval general file, 4,507 lines; only in an external folder. */
    static final String HALUEVAL = "halueval_general_data.json";
    /** Its lines 1, 16, 31, …: line i of this file is line {@code HALUEVAL_EVERY · (i − 1) + 1} of the upstream one. */
    static final String HALUEVAL_BUNDLED = "halueval_general_data.every-15th-line.json";
    static final int HALUEVAL_EVERY = 15;
    static final int HALUEVAL_LINES = 300;
    /** The files on the classpath under {@code /demo/}; each has its sha256 in the README beside it. */
    public static final List<String> BUNDLED = List.of(PANDALM, TRUTHFULQA, HALUEVAL_BUNDLED);
    public static final String CLASSPATH_DIR = "demo/";

    /** One line of a JSON Lines file with its line number in the upstream file (1-based). */
    record NumberedLine(int line, String text) {
    }

    private final Path dir;

    private DemoFiles(Path dir) {
        this.dir = dir;
    }

    /** The copies bundled in the jar. */
    static DemoFiles bundled() {
        return new DemoFiles(null);
    }

    /** A folder with the upstream files under their upstream names. */
    static DemoFiles in(Path dir) {
        return new DemoFiles(dir);
    }

    /** For log lines: {@code classpath:/demo/} or the folder's absolute path. */
    String where() {
        return dir == null ? "classpath:/" + CLASSPATH_DIR : dir.toAbsolutePath().toString();
    }

    /** The whole file as text, without a byte-order mark. */
    String read(String name) {
        String text;
        if (dir == null) {
            // The class loader, not a path relative to the working directory: the same in the IDE, tests and the jar.
            try (InputStream in = Thread.currentThread().getContextClassLoader()
                    .getResourceAsStream(CLASSPATH_DIR + name)) {
                if (in == null) {
                    throw new IllegalStateException("Demo file " + name + " is not on the classpath under /"
                            + CLASSPATH_DIR);
                }
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IllegalStateException("Cannot read demo file " + name + " from the classpath", e);
            }
        } else {
            try {
                text = Files.readString(dir.resolve(name), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IllegalStateException("Cannot read demo file " + dir.resolve(name), e);
            }
        }
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    /** The demo's HaluEval lines, upstream lines 1, 16, 31, … (300 of them), numbered as upstream. */
    List<NumberedLine> haluEvalSample() {
        var sample = new ArrayList<NumberedLine>();
        if (dir == null) {
            List<String> lines = read(HALUEVAL_BUNDLED).lines().toList();
            for (int i = 0; i < lines.size(); i++) {
                sample.add(new NumberedLine(HALUEVAL_EVERY * i + 1, lines.get(i)));
            }
        } else {
            List<String> lines = read(HALUEVAL).lines().toList();
            for (int i = 0; i < lines.size() && sample.size() < HALUEVAL_LINES; i += HALUEVAL_EVERY) {
                sample.add(new NumberedLine(i + 1, lines.get(i)));
            }
        }
        return sample;
    }
}
