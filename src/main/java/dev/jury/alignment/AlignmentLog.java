package dev.jury.alignment;

/**
 * Where an optimizer writes its run log (shown on the run page). Messages carry no timestamps and are written on the
 * coordinating thread only, so the same seed and a deterministic judge give the same log.
 */
public interface AlignmentLog {

    void info(String message);

    void debug(String message);

    enum Level { INFO, DEBUG }

    /** One recorded log line. */
    record Line(Level level, String message) {
        @Override
        public String toString() {
            return level + " " + message;
        }
    }

    /** A sink that drops everything. */
    static AlignmentLog discard() {
        return new AlignmentLog() {
            @Override
            public void info(String message) {
            }

            @Override
            public void debug(String message) {
            }
        };
    }
}
