package dev.jury.alignment;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Everything an optimizer needs from its surroundings for one run: the seed, how LLM calls may run in parallel, the
 * log, progress, cancellation, the raw parameters from the admin form, and the call counters. One context per run:
 * counters and recorded log start empty.
 */
public final class AlignmentContext {

    private final long seed;
    private final Executor executor;
    private final int maxParallelism;
    private final RecordingLog log;
    private final Consumer<AlignmentProgress> progress;
    private final BooleanSupplier cancelled;
    private final Map<String, Object> parameters;
    private final Map<Class<?>, Object> attributes;
    private final Counters counters = new Counters();

    private AlignmentContext(Builder b) {
        this.seed = b.seed;
        this.executor = b.executor;
        this.maxParallelism = b.maxParallelism;
        this.log = new RecordingLog(b.log);
        this.progress = b.progress;
        this.cancelled = b.cancelled;
        this.parameters = Collections.unmodifiableMap(new LinkedHashMap<>(b.parameters));
        this.attributes = Map.copyOf(b.attributes);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The run's seed; 0 is a valid seed. */
    public long seed() {
        return seed;
    }

    /** Where judge calls run; {@code null} runs them one by one on the calling thread. */
    public Executor executor() {
        return executor;
    }

    /** The most judge calls in flight at once (1 when there is no executor). */
    public int maxParallelism() {
        return executor == null ? 1 : maxParallelism;
    }

    /** The run log; every line is also recorded for {@link AlignmentResult#log()}. */
    public AlignmentLog log() {
        return log;
    }

    public List<AlignmentLog.Line> logLines() {
        return log.lines();
    }

    public void progress(AlignmentProgress update) {
        progress.accept(update);
    }

    /** Raw optimizer parameters (name → number or text) as the admin form sent them. */
    public Map<String, Object> parameters() {
        return parameters;
    }

    public Counters counters() {
        return counters;
    }

    /**
     * A run-scoped object the surroundings hand to an optimizer bean, keyed by its type — e.g. the live run's job id
     * and reflection model, which a pure optimizer never needs and a test simply leaves out.
     */
    public <T> Optional<T> attribute(Class<T> type) {
        return Optional.ofNullable(type.cast(attributes.get(type)));
    }

    public boolean isCancelled() {
        return cancelled.getAsBoolean() || Thread.currentThread().isInterrupted();
    }

    /** Throws {@link AlignmentCancelledException} when the run was cancelled; called between LLM calls. */
    public void checkCancelled() {
        if (isCancelled()) {
            throw new AlignmentCancelledException("alignment cancelled after " + counters.judgeCalls()
                    + " judge calls and " + counters.reflectionCalls() + " reflection calls",
                    counters.judgeCalls());
        }
    }

    /** LLM calls of this run; safe to read from another thread while the run goes on. */
    public static final class Counters {
        private final AtomicLong judgeCalls = new AtomicLong();
        private final AtomicLong reflectionCalls = new AtomicLong();
        private final AtomicLong cachedEvaluations = new AtomicLong();

        /** Judge calls actually made. */
        public long judgeCalls() {
            return judgeCalls.get();
        }

        public long reflectionCalls() {
            return reflectionCalls.get();
        }

        /** Deterministic evaluations served from the run's cache instead of a judge call. */
        public long cachedEvaluations() {
            return cachedEvaluations.get();
        }

        public void countJudgeCall() {
            judgeCalls.incrementAndGet();
        }

        public void countReflectionCall() {
            reflectionCalls.incrementAndGet();
        }

        public void countCachedEvaluation() {
            cachedEvaluations.incrementAndGet();
        }
    }

    public static final class Builder {
        private long seed;
        private Executor executor;
        private int maxParallelism = 1;
        private AlignmentLog log = AlignmentLog.discard();
        private Consumer<AlignmentProgress> progress = p -> { };
        private BooleanSupplier cancelled = () -> false;
        private final Map<String, Object> parameters = new LinkedHashMap<>();
        private final Map<Class<?>, Object> attributes = new LinkedHashMap<>();

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Runs judge calls on {@code executor}, at most {@code maxParallelism} at once. */
        public Builder executor(Executor executor, int maxParallelism) {
            if (maxParallelism < 1) {
                throw new IllegalArgumentException("maxParallelism must be at least 1, was " + maxParallelism);
            }
            this.executor = Objects.requireNonNull(executor, "executor");
            this.maxParallelism = maxParallelism;
            return this;
        }

        /** Where log lines go besides the run's own record (e.g. the application log). */
        public Builder log(AlignmentLog log) {
            this.log = Objects.requireNonNull(log, "log");
            return this;
        }

        public Builder progress(Consumer<AlignmentProgress> progress) {
            this.progress = Objects.requireNonNull(progress, "progress");
            return this;
        }

        public Builder cancelled(BooleanSupplier cancelled) {
            this.cancelled = Objects.requireNonNull(cancelled, "cancelled");
            return this;
        }

        public Builder parameters(Map<String, ?> parameters) {
            this.parameters.clear();
            this.parameters.putAll(parameters);
            return this;
        }

        public Builder parameter(String name, Object value) {
            this.parameters.put(name, value);
            return this;
        }

        /** Hands {@code value} to the optimizer as {@link AlignmentContext#attribute(Class) attribute(type)}. */
        public <T> Builder attribute(Class<T> type, T value) {
            this.attributes.put(Objects.requireNonNull(type, "type"), Objects.requireNonNull(value, "value"));
            return this;
        }

        public AlignmentContext build() {
            return new AlignmentContext(this);
        }
    }

    private static final class RecordingLog implements AlignmentLog {
        private final AlignmentLog sink;
        private final List<Line> lines = Collections.synchronizedList(new ArrayList<>());

        RecordingLog(AlignmentLog sink) {
            this.sink = sink;
        }

        @Override
        public void info(String message) {
            lines.add(new Line(Level.INFO, message));
            sink.info(message);
        }

        @Override
        public void debug(String message) {
            lines.add(new Line(Level.DEBUG, message));
            sink.debug(message);
        }

        List<Line> lines() {
            synchronized (lines) {
                return List.copyOf(lines);
            }
        }
    }
}
