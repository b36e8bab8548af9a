package dev.jury.traces.ingest;

import org.junit.jupiter.api.Test;

import java.io.IOException;

import static dev.jury.traces.ingest.RowReadersTest.MAPPER;
import static dev.jury.traces.ingest.RowReadersTest.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CsvRowReaderTest {

    @Test
    void cellsThatParseAsJsonAreJsonOthersAreStrings() {
        assertTrue(CsvCells.value("{\"q\": \"hi\"}", MAPPER).isObject());
        assertEquals(42, CsvCells.value("42", MAPPER).asInt());
        assertTrue(CsvCells.value("true", MAPPER).isBoolean());
        assertEquals("hello, world", CsvCells.value("hello, world", MAPPER).asText());
        assertEquals("{not json", CsvCells.value("{not json", MAPPER).asText());
    }

    @Test
    void tagsAsJsonOrKeyValuePairs() throws InvalidTraceException {
        var pairs = CsvCells.tags("env=prod; team = support;", MAPPER);
        assertEquals("prod", pairs.get("env").asText());
        assertEquals("support", pairs.get("team").asText());
        assertEquals("b", CsvCells.tags("{\"a\":\"b\"}", MAPPER).get("a").asText());
        assertThrows(InvalidTraceException.class, () -> CsvCells.tags("novalue", MAPPER));
    }

    @Test
    void quotedCellsWithCommasQuotesAndNewlinesAndLineNumbersOfRecordStarts() throws IOException {
        String csv = "client_request_id,inputs,outputs,tags\r\n"
                + "r1,\"{\"\"question\"\": \"\"a, b\"\"}\",\"line one\nline two\",env=prod\r\n"
                + "r2,plain question,42,\r\n"
                + "r3,only two\r\n"
                + "r4,\"q\",\"a\",bad-tags\n";
        var rows = read(IngestFormat.CSV, csv, 100_000);
        assertEquals(4, rows.size());
        var first = rows.get(0);
        assertEquals(2, first.line());
        assertEquals("a, b", first.json().get("inputs").get("question").asText());
        assertEquals("line one\nline two", first.json().get("outputs").asText());
        assertEquals("prod", first.json().get("tags").get("env").asText());
        assertEquals("r1", first.json().get("client_request_id").asText());
        assertEquals(4, rows.get(1).line(), "record 2 starts on line 4 because record 1 spans two lines");
        assertEquals(42, rows.get(1).json().get("outputs").asInt());
        assertEquals(5, rows.get(2).line());
        assertTrue(rows.get(2).error().contains("Expected 4 cells"), rows.get(2).error());
        assertTrue(rows.get(3).error().startsWith("tags:"), rows.get(3).error());
    }

    @Test
    void headerMustNameKnownColumnsIncludingInputsAndOutputs() throws IOException {
        var unknown = read(IngestFormat.CSV, "inputs,outputs,oops\nq,a,b\n", 1000);
        assertEquals(1, unknown.size());
        assertEquals(1, unknown.get(0).line());
        assertTrue(unknown.get(0).error().contains("Unknown column 'oops'"));
        var missing = read(IngestFormat.CSV, "inputs,tags\nq,a=b\n", 1000);
        assertTrue(missing.get(0).error().contains("'outputs'"));
    }

    @Test
    void unterminatedQuoteIsReportedAtTheRecordStart() throws IOException {
        var rows = read(IngestFormat.CSV, "inputs,outputs\nq,a\n\"open,never closed\n", 1000);
        assertEquals(2, rows.size());
        assertEquals(3, rows.get(1).line());
        assertTrue(rows.get(1).error().contains("not closed"));
    }
}
