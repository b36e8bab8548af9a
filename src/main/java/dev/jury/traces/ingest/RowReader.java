package dev.jury.traces.ingest;

import java.io.Closeable;
import java.io.IOException;

/** Reads an upload one row at a time, so a large body is never held in memory twice. */
public interface RowReader extends Closeable {

    /** The next row, or {@code null} when the input is exhausted. */
    RawRow next() throws IOException;
}
