package dev.jury.traces.ingest;

import org.junit.jupiter.api.Test;

import static dev.jury.traces.ingest.RowReadersTest.MAPPER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TraceFieldsTest {

    static TraceDraft parse(String json) throws Exception {
        return TraceFields.parse(MAPPER.readTree(json));
    }

    static String error(String json) {
        return assertThrows(InvalidTraceException.class, () -> parse(json)).getMessage();
    }

    @Test
    void acceptsAnyJsonForInputsAndOutputs() throws Exception {
        var d = parse("{\"client_request_id\":\"r-1\",\"inputs\":\"plain\",\"outputs\":{\"a\":[1,2]},"
                + "\"expectations\":{\"x\":true},\"tags\":{\"env\":\"prod\"}}");
        assertEquals("r-1", d.clientRequestId());
        assertEquals("plain", d.inputs().asText());
        assertEquals("prod", d.tags().get("env"));
        assertTrue(d.expectations().get("x").asBoolean());
        assertNull(parse("{\"inputs\":1,\"outputs\":2,\"expectations\":null}").expectations());
    }

    @Test
    void refusesWhatIsNotATrace() {
        assertTrue(error("[1]").contains("JSON object"));
        assertTrue(error("{\"outputs\":\"a\"}").contains("'inputs' is required"));
        assertTrue(error("{\"inputs\":\"q\",\"outputs\":null}").contains("'outputs' is required"));
        assertTrue(error("{\"inputs\":\"q\",\"outputs\":\"a\",\"input\":1}").contains("Unknown field 'input'"));
        assertTrue(error("{\"inputs\":\"q\",\"outputs\":\"a\",\"tags\":{\"n\":1}}").contains("Tag 'n' must have a string value"));
        assertTrue(error("{\"inputs\":\"q\",\"outputs\":\"a\",\"tags\":[\"x\"]}").contains("'tags' must be an object"));
        assertTrue(error("{\"inputs\":\"q\",\"outputs\":\"a\",\"client_request_id\":5}").contains("non-empty string"));
        assertTrue(error("{\"inputs\":\"q\",\"outputs\":\"a\",\"client_request_id\":\"" + "x".repeat(256) + "\"}")
                .contains("longer than 255"));
    }

    @Test
    void nulCharactersAreFoundButEscapedBackslashesAreNot() throws Exception {
        assertTrue(PreparedTrace.hasNulEscape("{\"a\":\"x\\u0000y\"}"));
        assertFalse(PreparedTrace.hasNulEscape("{\"a\":\"x\\\\u0000y\"}"));
        assertTrue(PreparedTrace.hasNulEscape("{\"a\":\"x\\\\\\u0000y\"}"));
        var draft = parse("{\"inputs\":\"a\\u0000b\",\"outputs\":\"ok\"}");
        var e = assertThrows(InvalidTraceException.class, () -> PreparedTrace.of(1, draft, MAPPER));
        assertTrue(e.getMessage().contains("NUL"));
    }
}
