package dev.jury.traces.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EncodedJsonTest {

    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void aJsonStringBecomesItsJson() {
        JsonNode decoded = EncodedJson.decode(TextNode.valueOf("{\"question\":\"Why?\"}"), mapper);
        assertEquals("Why?", decoded.get("question").asText());
        assertEquals(3, EncodedJson.decode(TextNode.valueOf(" [1,2,3]"), mapper).size());
        assertTrue(EncodedJson.decode(TextNode.valueOf("true"), mapper).isBoolean());
    }

    @Test
    void textThatIsNotJsonStaysText() {
        TextNode prose = TextNode.valueOf("Paris is the capital");
        assertSame(prose, EncodedJson.decode(prose, mapper));
        // looks like JSON but is cut off (an MLflow preview): kept as the text it is
        assertEquals("{\"answer\": \"Par", EncodedJson.decode(TextNode.valueOf("{\"answer\": \"Par"), mapper).asText());
    }

    @Test
    void absentEmptyAndNullAreNothing() {
        assertNull(EncodedJson.decode(null, mapper));
        assertNull(EncodedJson.decode(JsonNodeFactory.instance.nullNode(), mapper));
        assertNull(EncodedJson.decode(TextNode.valueOf(""), mapper));
        assertNull(EncodedJson.decode(TextNode.valueOf("   "), mapper));
        assertNull(EncodedJson.decode(TextNode.valueOf("null"), mapper));
    }

    @Test
    void structuredValuesPassThrough() {
        JsonNode number = JsonNodeFactory.instance.numberNode(7);
        assertSame(number, EncodedJson.decode(number, mapper));
        assertFalse(EncodedJson.looksLikeJson("hello"));
    }
}
