package dev.jury.traces;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TraceContentTest {

    final ObjectMapper mapper = new ObjectMapper();

    @Test
    void stringsAreTextObjectsArePrettyJson() throws Exception {
        assertEquals("text", TraceContent.of(mapper.readTree("\"hi\"")).kind());
        var json = TraceContent.of(mapper.readTree("{\"a\":{\"b\":1}}"));
        assertEquals("json", json.kind());
        assertTrue(json.body().full().contains("\n  \"a\" : {"), json.body().full());
        assertNull(TraceContent.of(null));
    }

    @Test
    void chatMessagesBecomeTurnsInBothShapes() throws Exception {
        var array = TraceContent.of(mapper.readTree("[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"assistant\",\"content\":\"hello\"}]"));
        assertTrue(array.isChat());
        assertEquals(2, array.turns().size());
        assertEquals("assistant", array.turns().get(1).role());
        var wrapped = TraceContent.of(mapper.readTree("{\"messages\":[{\"role\":\"user\",\"content\":{\"x\":1}}],\"temperature\":0}"));
        assertTrue(wrapped.isChat());
        assertTrue(wrapped.turns().get(0).content().full().contains("\"x\""));
        assertTrue(wrapped.rest().full().contains("temperature"));
        assertFalse(TraceContent.of(mapper.readTree("[{\"role\":\"user\"}]")).isChat(), "no content: plain JSON");
    }

    @Test
    void longTextIsCollapsed() {
        var text = TraceContent.Text.of("x".repeat(5000));
        assertTrue(text.collapsed());
        assertEquals(TraceContent.COLLAPSE_AT, text.preview().length());
        assertEquals(5000, text.length());
        assertFalse(TraceContent.Text.of("short").collapsed());
    }

    @Test
    void directionControlsAreMadeVisible() {
        assertEquals("abc⟦U+202E⟧fdp.exe", Inert.text("abc\u202Efdp.exe"));
        assertEquals("plain", Inert.text("plain"));
        assertFalse(TraceContent.excerpt(new ObjectMapper().getNodeFactory().textNode("a\u2066b"), 50).contains("\u2066"));
    }
}
