package dev.jury.traces.ingest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A JSON body: one object (row 1) or an array whose elements are read one at a time (row = index + 1). A single
 * object over the per-trace limit is a {@link TooLargeException} (413); an array element over it is that row's
 * error. A syntax error ends the array: the rest cannot be located reliably.
 */
public class JsonRowReader implements RowReader {

    private final BufferedInputStream in;
    private final ObjectMapper mapper;
    /** Reads one value at a time from the shared parser; what follows it is the next element, not an error. */
    private final ObjectReader elements;
    private final long maxTraceBytes;
    private JsonParser parser;
    private boolean array;
    private boolean done;
    private int index;

    public JsonRowReader(InputStream in, ObjectMapper mapper, long maxTraceBytes) {
        this.in = new BufferedInputStream(in, 64 * 1024);
        this.mapper = mapper;
        this.elements = mapper.reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        this.maxTraceBytes = maxTraceBytes;
    }

    @Override
    public RawRow next() throws IOException {
        if (done) {
            return null;
        }
        try {
            if (parser == null) {
                return start();
            }
            JsonToken token = parser.nextToken();
            if (token == JsonToken.END_ARRAY) {
                done = true;
                if (parser.nextToken() != null) {
                    return RawRow.failed(index + 1, "Unexpected content after the closing ']' of the array.");
                }
                return null;
            }
            if (token == null) {
                done = true;
                return RawRow.failed(index + 1, "The array is not closed with ']'.");
            }
            index++;
            long start = parser.currentTokenLocation().getByteOffset();
            JsonNode node = elements.readTree(parser);
            long bytes = parser.currentLocation().getByteOffset() - start;
            if (bytes > maxTraceBytes) {
                return RawRow.failed(index, Sizes.traceTooLarge(bytes, maxTraceBytes));
            }
            return RawRow.ok(index, node);
        } catch (JsonProcessingException e) {
            done = true;
            return RawRow.failed(Math.max(index, 1), JsonErrors.describe(e)
                    + (array ? " The rest of the array was not read." : ""));
        }
    }

    private RawRow start() throws IOException {
        parser = mapper.createParser(in);
        JsonToken first = parser.nextToken();
        if (first == null) {
            done = true;
            return null;
        }
        if (first == JsonToken.START_ARRAY) {
            array = true;
            return next();
        }
        done = true;
        index = 1;
        long start = parser.currentTokenLocation().getByteOffset();
        JsonNode node = elements.readTree(parser);
        long bytes = parser.currentLocation().getByteOffset() - start;
        if (bytes > maxTraceBytes) {
            throw new TooLargeException(Sizes.traceTooLarge(bytes, maxTraceBytes));
        }
        if (parser.nextToken() != null) {
            return RawRow.failed(1, "Unexpected content after the JSON value; send an array or NDJSON for several traces.");
        }
        return RawRow.ok(1, node);
    }

    @Override
    public void close() throws IOException {
        if (parser != null) {
            parser.close();
        }
        in.close();
    }
}
