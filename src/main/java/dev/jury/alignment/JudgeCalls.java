package dev.jury.alignment;

import dev.jury.judges.prompt.Verdict;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;

/**
 * Runs batches of judge calls for an optimizer: in parallel on the context's executor (at most
 * {@link AlignmentContext#maxParallelism()} in flight), results in submission order, cancellation checked before
 * every call, failures scored 0. The caller decides every random choice before handing over a batch, so the outcome
 * does not depend on thread timing.
 *
 * <p>With {@code cacheDeterministic}, an evaluation at temperature 0 ({@code sample == 0}) of a program on an example
 * already evaluated in this run is served from memory instead of calling the judge again; it is counted in
 * {@link AlignmentContext.Counters#cachedEvaluations()}.
 */
public final class JudgeCalls {

    /** One judge call to make. */
    public record Call(JudgeProgram program, AlignmentExample example, double temperature, int sample) {
        public Call {
            Objects.requireNonNull(program, "program");
            Objects.requireNonNull(example, "example");
        }

        boolean deterministic() {
            return temperature == 0.0 && sample == 0;
        }
    }

    /** What a call produced and how it scored against the example's label. */
    public record Run(Call call, Verdict verdict, double score, boolean cached) {
    }

    private record Key(JudgeProgram program, AlignmentExample example) {
    }

    private static final Verdict CANCELLED = Verdict.failed("cancelled", null);

    private final JudgeRunner judge;
    private final AlignmentContext ctx;
    private final boolean cacheDeterministic;
    private final Map<Key, Verdict> cache = new HashMap<>();

    public JudgeCalls(JudgeRunner judge, AlignmentContext ctx, boolean cacheDeterministic) {
        this.judge = Objects.requireNonNull(judge, "judge");
        this.ctx = Objects.requireNonNull(ctx, "ctx");
        this.cacheDeterministic = cacheDeterministic;
    }

    /** Runs {@code calls} and returns their runs in the same order. */
    public List<Run> run(List<Call> calls) {
        int n = calls.size();
        Verdict[] verdicts = new Verdict[n];
        boolean[] cached = new boolean[n];
        int[] sameAs = new int[n];
        List<Integer> toCall = new ArrayList<>();
        Map<Key, Integer> firstInBatch = new HashMap<>();
        for (int i = 0; i < n; i++) {
            sameAs[i] = -1;
            Call call = calls.get(i);
            if (cacheDeterministic && call.deterministic()) {
                Key key = new Key(call.program(), call.example());
                Verdict known = cache.get(key);
                Integer first = firstInBatch.get(key);
                if (known != null) {
                    verdicts[i] = known;
                    cached[i] = true;
                    continue;
                } else if (first != null) {
                    sameAs[i] = first;
                    cached[i] = true;
                    continue;
                }
                firstInBatch.put(key, i);
            }
            toCall.add(i);
        }

        Executor executor = ctx.executor();
        if (executor == null) {
            for (int i : toCall) {
                ctx.checkCancelled();
                verdicts[i] = invoke(calls.get(i));
            }
        } else {
            runParallel(calls, toCall, verdicts, executor);
        }

        List<Run> runs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Call call = calls.get(i);
            Verdict verdict = sameAs[i] >= 0 ? verdicts[sameAs[i]] : verdicts[i];
            if (cached[i]) {
                ctx.counters().countCachedEvaluation();
            } else if (cacheDeterministic && call.deterministic()) {
                cache.put(new Key(call.program(), call.example()), verdict);
            }
            runs.add(new Run(call, verdict, LabelMatch.score(verdict, call.example().label()), cached[i]));
        }
        return runs;
    }

    private void runParallel(List<Call> calls, List<Integer> toCall, Verdict[] verdicts, Executor executor) {
        Semaphore permits = new Semaphore(ctx.maxParallelism());
        List<CompletableFuture<Verdict>> futures = new ArrayList<>(toCall.size());
        try {
            for (int i : toCall) {
                ctx.checkCancelled();
                acquire(permits);
                Call call = calls.get(i);
                try {
                    futures.add(CompletableFuture.supplyAsync(() -> {
                        try {
                            return ctx.isCancelled() ? CANCELLED : invoke(call);
                        } finally {
                            permits.release();
                        }
                    }, executor));
                } catch (RejectedExecutionException e) {
                    permits.release();
                    throw e;
                }
            }
        } catch (RuntimeException e) {
            awaitQuietly(futures); // never leave calls running behind a stopped run
            throw e;
        }
        boolean stopped = false;
        for (int k = 0; k < futures.size(); k++) {
            Verdict verdict = futures.get(k).join();
            stopped |= verdict == CANCELLED;
            verdicts[toCall.get(k)] = verdict;
        }
        if (stopped) {
            ctx.checkCancelled();
            throw new AlignmentCancelledException("alignment cancelled", ctx.counters().judgeCalls());
        }
    }

    private void acquire(Semaphore permits) {
        try {
            permits.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AlignmentCancelledException("alignment interrupted", ctx.counters().judgeCalls());
        }
    }

    private static void awaitQuietly(List<CompletableFuture<Verdict>> futures) {
        for (CompletableFuture<Verdict> future : futures) {
            try {
                future.join();
            } catch (RuntimeException ignored) {
                // the run is stopping; the first failure is already being reported
            }
        }
    }

    private Verdict invoke(Call call) {
        ctx.counters().countJudgeCall();
        try {
            Verdict verdict = judge.assess(call.program(), call.example(), call.temperature(), call.sample());
            return verdict == null ? Verdict.failed("the judge returned no verdict", null) : verdict;
        } catch (RuntimeException e) {
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return Verdict.failed("judge call failed: " + reason, null);
        }
    }
}
