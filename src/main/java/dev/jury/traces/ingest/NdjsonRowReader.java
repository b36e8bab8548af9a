package dev.jury.traces.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Newline-delimited JSON, read line by line straight from the bytes: one line is buffered at a time, and a line
 * over the per-trace limit is skipped without being buffered. Blank lines are ignored but still counted, so line
 * numbers match what an editor shows.
 */
public class NdjsonRowReader implements RowReader {

    private final InputStream in;
    private final ObjectMapper mapper;
    private final long maxLineBytes;
    private final byte[] buffer = new byte[64 * 1024];
    private int position;
    private int limit;
    private boolean eof;
    private byte[] line = new byte[4 * 1024];
    private int lineLength;
    private long lineBytes;
    private int lineNumber;

    public NdjsonRowReader(InputStream in, ObjectMapper mapper, long maxLineBytes) {
        this.in = in;
        this.mapper = mapper;
        this.maxLineBytes = maxLineBytes;
    }

    @Override
    public RawRow next() throws IOException {
        while (readLine()) {
            lineNumber++;
            if (lineBytes > maxLineBytes) {
                return RawRow.failed(lineNumber, Sizes.traceTooLarge(lineBytes, maxLineBytes));
            }
            int start = 0;
            int end = lineLength;
            if (lineNumber == 1 && end >= 3 && (line[0] & 0xFF) == 0xEF && (line[1] & 0xFF) == 0xBB && (line[2] & 0xFF) == 0xBF) {
                start = 3; // a UTF-8 byte order mark written by some editors
            }
            while (start < end && isBlank(line[start])) {
                start++;
            }
            while (end > start && isBlank(line[end - 1])) {
                end--;
            }
            if (start == end) {
                continue;
            }
            try {
                return RawRow.ok(lineNumber, mapper.readTree(line, start, end - start));
            } catch (JsonProcessingException e) {
                return RawRow.failed(lineNumber, JsonErrors.describe(e));
            }
        }
        return null;
    }

    /** Reads up to the next newline into {@code line}; false at the end of input with nothing read. */
    private boolean readLine() throws IOException {
        lineLength = 0;
        lineBytes = 0;
        boolean any = false;
        while (true) {
            if (position == limit) {
                if (eof || !fill()) {
                    return any;
                }
            }
            any = true;
            int newline = -1;
            for (int i = position; i < limit; i++) {
                if (buffer[i] == '\n') {
                    newline = i;
                    break;
                }
            }
            int stop = newline < 0 ? limit : newline;
            append(position, stop - position);
            position = newline < 0 ? limit : newline + 1;
            if (newline >= 0) {
                return true;
            }
        }
    }

    private void append(int from, int count) {
        lineBytes += count;
        if (lineBytes > maxLineBytes) {
            return; // over the limit: keep counting, stop buffering
        }
        if (lineLength + count > line.length) {
            line = Arrays.copyOf(line, Math.max(line.length * 2, lineLength + count));
        }
        System.arraycopy(buffer, from, line, lineLength, count);
        lineLength += count;
    }

    private boolean fill() throws IOException {
        int n = in.read(buffer, 0, buffer.length);
        if (n <= 0) {
            eof = true;
            return false;
        }
        position = 0;
        limit = n;
        return true;
    }

    private static boolean isBlank(byte b) {
        return b == ' ' || b == '\t' || b == '\r';
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
