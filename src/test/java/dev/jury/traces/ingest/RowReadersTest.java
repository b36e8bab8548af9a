package dev.jury.traces.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RowReadersTest {

    static final ObjectMapper MAPPER = TraceIngestService.MAPPER;

    static List<RawRow> read(IngestFormat format, String body, long maxTrace) throws IOException {
        var rows = new ArrayList<RawRow>();
        try (var reader = format.open(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)), MAPPER, maxTrace)) {
            RawRow row;
            while ((row = reader.next()) != null) {
                rows.add(row);
            }
        }
        return rows;
    }

    @Test
    void ndjsonKeepsLineNumbersAcrossBlankLinesAndReportsBadLines() throws IOException {
        var rows = read(IngestFormat.NDJSON, "\uFEFF{\"a\":1}\r\n\n   \n{broken\n{\"b\":2} trailing\n{\"c\":\"é\"}", 1000);
        assertEquals(4, rows.size());
        assertEquals(1, rows.get(0).line());
        assertEquals(1, rows.get(0).json().get("a").asInt());
        assertEquals(4, rows.get(1).line());
        assertTrue(rows.get(1).error().startsWith("Invalid JSON"), rows.get(1).error());
        assertEquals(5, rows.get(2).line());
        assertTrue(rows.get(2).failed(), "trailing content on a line is an error");
        assertEquals(6, rows.get(3).line());
        assertEquals("é", rows.get(3).json().get("c").asText());
    }

    @Test
    void ndjsonLineOverTheLimitIsThatLinesErrorAndTheNextLineStillReads() throws IOException {
        String big = "{\"inputs\":\"" + "x".repeat(200_000) + "\"}";
        var rows = read(IngestFormat.NDJSON, "{\"a\":1}\n" + big + "\n{\"a\":3}\n", 1000);
        assertEquals(3, rows.size());
        assertTrue(rows.get(1).error().contains("over the limit"), rows.get(1).error());
        assertEquals(2, rows.get(1).line());
        assertEquals(3, rows.get(2).json().get("a").asInt());
    }

    @Test
    void ndjsonLongLinesAcrossBufferBoundariesAreIntact() throws IOException {
        String value = "y".repeat(150_000);
        var rows = read(IngestFormat.NDJSON, "{\"v\":\"" + value + "\"}\n{\"v\":\"z\"}", 1_000_000);
        assertEquals(value, rows.get(0).json().get("v").asText());
        assertEquals("z", rows.get(1).json().get("v").asText());
    }

    @Test
    void jsonArrayElementsAreRowsNumberedByIndexPlusOne() throws IOException {
        var rows = read(IngestFormat.JSON, " [ {\"a\":1}, 7, {\"b\":\"" + "x".repeat(2000) + "\"}, {\"c\":3} ] ", 1000);
        assertEquals(4, rows.size());
        assertEquals(2, rows.get(1).line());
        assertTrue(rows.get(1).json().isNumber());
        assertTrue(rows.get(2).error().contains("over the limit"));
        assertEquals(4, rows.get(3).line());
    }

    @Test
    void jsonSyntaxErrorInAnArrayEndsItWithAnErrorOnThatElement() throws IOException {
        var rows = read(IngestFormat.JSON, "[{\"a\":1},{\"a\":2,,}]", 1000);
        assertEquals(2, rows.size());
        assertFalse(rows.get(0).failed());
        assertEquals(2, rows.get(1).line());
        assertTrue(rows.get(1).error().contains("rest of the array"), rows.get(1).error());
    }

    @Test
    void singleJsonObjectIsRowOneAndOversizeIs413() throws IOException {
        var rows = read(IngestFormat.JSON, "{\"inputs\":\"q\",\"outputs\":\"a\"}", 1000);
        assertEquals(1, rows.size());
        assertEquals(1, rows.get(0).line());
        assertThrows(TooLargeException.class,
                () -> read(IngestFormat.JSON, "{\"inputs\":\"" + "x".repeat(2000) + "\"}", 1000));
    }

    @Test
    void limitedStreamRefusesBeyondTheRequestLimit() {
        var in = new LimitedInputStream(new ByteArrayInputStream(new byte[5000]), 4096);
        assertThrows(TooLargeException.class, () -> in.readAllBytes());
    }
}
