package dev.jury.rubrics;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A content fingerprint of a rubric version, so that saving unchanged content does not create a new version.
 * Two specs get the same fingerprint exactly when they differ only in whitespace around strings, line-ending style
 * (CRLF vs LF) or the spelling of the pass threshold ({@code 3} vs {@code 3.0}). Level order, case, every flag and
 * every number count: reordering levels changes ordinal statistics, so it is a new version.
 */
public final class RubricFingerprint {

    private static final ObjectMapper JSON = new ObjectMapper();

    private RubricFingerprint() {
    }

    /** SHA-256 of {@link #canonicalJson}, as 64 lower-case hex digits. */
    public static String of(RubricSpec spec) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha256.digest(canonicalJson(spec).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides SHA-256", e);
        }
    }

    /**
     * The canonical form: compact JSON, fields in a fixed order, strings trimmed with LF line endings, threshold
     * in plain notation without trailing zeros. Stable across JVMs and Jackson versions for the same content;
     * changing this method changes every fingerprint, so only ever extend it with care.
     */
    public static String canonicalJson(RubricSpec spec) {
        ObjectNode root = JSON.createObjectNode();
        root.put("kind", spec.kind() == null ? null : spec.kind().name());
        ArrayNode levels = root.putArray("levels");
        for (RubricLevel level : spec.levels()) {
            levels.addObject()
                    .put("value", RubricText.strip(level.value()))
                    .put("label", RubricText.tidy(level.label()))
                    .put("definition", RubricText.tidy(level.definition()))
                    .put("negative", level.negative());
        }
        root.put("guidelines", RubricText.tidy(spec.guidelines()));
        root.put("rationaleRequired", spec.rationaleRequired());
        root.put("minRationaleLength", spec.minRationaleLength());
        root.put("passThreshold", spec.passThreshold() == null ? null : RubricText.plain(spec.passThreshold()));
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings, booleans and numbers always serialises", e);
        }
    }
}
