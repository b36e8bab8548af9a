package dev.jury.traces.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * CSV (RFC 4180: comma separated, double-quoted cells may hold commas, quotes as {@code ""} and newlines) with a
 * header row naming the columns {@code inputs, outputs, expectations, tags, client_request_id} in any order;
 * {@code inputs} and {@code outputs} are required. Each record becomes the same JSON object the API takes, so the
 * rest of ingestion is shared. A row's line is the file line its record starts on (the header is line 1).
 */
public class CsvRowReader implements RowReader {

    static final Set<String> COLUMNS = Set.of("inputs", "outputs", "expectations", "tags", "client_request_id");

    private final Reader in;
    private final ObjectMapper mapper;
    private final long maxRowChars;
    private List<String> header;
    private int physicalLine = 1;
    private boolean eof;
    private boolean headerFailed;

    public CsvRowReader(InputStream in, ObjectMapper mapper, long maxRowBytes) {
        this.in = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 64 * 1024);
        this.mapper = mapper;
        this.maxRowChars = maxRowBytes;
    }

    @Override
    public RawRow next() throws IOException {
        if (headerFailed) {
            return null;
        }
        if (header == null) {
            Record first = readRecord();
            if (first == null) {
                return null;
            }
            String problem = readHeader(first);
            if (problem != null) {
                headerFailed = true;
                return RawRow.failed(first.line, problem);
            }
        }
        while (true) {
            Record record = readRecord();
            if (record == null) {
                return null;
            }
            if (record.error != null) {
                return RawRow.failed(record.line, record.error);
            }
            if (record.chars > maxRowChars) {
                return RawRow.failed(record.line, Sizes.traceTooLarge(record.chars, maxRowChars));
            }
            if (record.cells.size() == 1 && record.cells.get(0).isBlank()) {
                continue; // an empty line
            }
            if (record.cells.size() != header.size()) {
                return RawRow.failed(record.line, "Expected " + header.size() + " cells as in the header, found "
                        + record.cells.size() + ".");
            }
            try {
                return RawRow.ok(record.line, toJson(record.cells));
            } catch (InvalidTraceException e) {
                return RawRow.failed(record.line, e.getMessage());
            }
        }
    }

    private String readHeader(Record first) {
        if (first.error != null) {
            return first.error;
        }
        var names = new ArrayList<String>();
        for (String cell : first.cells) {
            String name = cell.trim().toLowerCase(Locale.ROOT);
            if (names.size() == 0 && name.startsWith("\uFEFF")) {
                name = name.substring(1);
            }
            if (!COLUMNS.contains(name)) {
                return "Unknown column '" + abbreviate(cell) + "' in the header; the columns are "
                        + "inputs, outputs, expectations, tags, client_request_id.";
            }
            if (names.contains(name)) {
                return "Column '" + name + "' appears twice in the header.";
            }
            names.add(name);
        }
        if (!names.contains("inputs") || !names.contains("outputs")) {
            return "The header must name the columns 'inputs' and 'outputs' (found: " + String.join(", ", names) + ").";
        }
        header = names;
        return null;
    }

    private JsonNode toJson(List<String> cells) throws InvalidTraceException {
        ObjectNode row = mapper.createObjectNode();
        for (int i = 0; i < cells.size(); i++) {
            String column = header.get(i);
            String cell = cells.get(i);
            if (cell.isEmpty()) {
                continue; // an empty cell is an absent value; required ones are reported by the row check
            }
            switch (column) {
                case "client_request_id" -> row.put(column, cell.trim());
                case "tags" -> row.set(column, CsvCells.tags(cell, mapper));
                default -> row.set(column, CsvCells.value(cell, mapper));
            }
        }
        return row;
    }

    private record Record(int line, List<String> cells, String error, long chars) {
    }

    /** One CSV record, which may span several physical lines inside quotes; {@code null} at the end. */
    private Record readRecord() throws IOException {
        if (eof) {
            return null;
        }
        int startLine = physicalLine;
        var cells = new ArrayList<String>();
        var cell = new StringBuilder();
        boolean quoted = false;
        boolean afterQuote = false;
        boolean any = false;
        long chars = 0;
        while (true) {
            int c = in.read();
            if (c < 0) {
                eof = true;
                if (quoted) {
                    return new Record(startLine, cells, "A quoted cell is not closed before the end of the file.", chars);
                }
                if (!any) {
                    return null;
                }
                cells.add(cell.toString());
                return new Record(startLine, cells, null, chars);
            }
            any = true;
            chars++;
            if (chars > maxRowChars) {
                // keep reading to the end of the record, but stop buffering
                cell.setLength(0);
            }
            char ch = (char) c;
            if (quoted) {
                if (ch == '"') {
                    quoted = false;
                    afterQuote = true;
                } else {
                    if (ch == '\n') {
                        physicalLine++;
                    }
                    if (chars <= maxRowChars) {
                        cell.append(ch);
                    }
                }
                continue;
            }
            switch (ch) {
                case '"' -> {
                    if (afterQuote) {
                        cell.append('"'); // "" inside a quoted cell
                    }
                    quoted = true;
                    afterQuote = false;
                }
                case ',' -> {
                    cells.add(cell.toString());
                    cell.setLength(0);
                    afterQuote = false;
                }
                case '\r' -> {
                    // CRLF: the \n ends the record
                }
                case '\n' -> {
                    physicalLine++;
                    cells.add(cell.toString());
                    return new Record(startLine, cells, null, chars);
                }
                default -> {
                    if (chars <= maxRowChars) {
                        cell.append(ch);
                    }
                    afterQuote = false;
                }
            }
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
