#!/usr/bin/env bash
# Re-runs every row of the results table in docs/performance.md — one bench/run.sh per row, each on a fresh bench
# database with the row's settings — and prints the table again with today's figures: scenario, target, figure,
# date, and the machine state (load average before → after, and whatever else used the CPU when the row started).
# Takes about 85 minutes (more when a row waits for the load of the one before to fall below 1); the figures mean
# something on a quiet machine only (nothing else building or testing).
#
#   bench/all.sh                                        # every row
#   BENCH_ROWS="judge-run-128 reviewer-loop-htmx-1s" bench/all.sh   # some rows (labels below)
#
# The table is written to target/bench/all/results.md, each row's JSON and log beside it. Any BENCH_* setting of
# bench/run.sh (BENCH_DB, BENCH_KEYCLOAK_PORT, ...) is passed through.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
ALL="$ROOT/target/bench/all"
mkdir -p "$ALL"

# label | settings | scenario(s) | target | figure ({key} = a value of the last scenario's JSON)
ROWS=(
  "bulk-ingest||bulk-ingest|≥ 10,000 traces/s|{throughput_per_s} traces/s, {errors} errors"
  "otlp-ingest||otlp-ingest|≥ 5,000 traces/s (5-span traces)|{throughput_per_s} traces/s = {spans_per_s} spans/s, {errors} errors"
  "online-scoring||online-scoring|no backlog growth at 100 traces/s, sample 0.5|backlog slope {backlog_slope_per_s_second_half}/s, max {backlog_max} waiting, {duplicate_verdicts} duplicates, keeps up: {keeps_up}"
  "offline-judge||offline-judge|— (measured: the model's cost)|cold {cold_traces_per_s} · warm {warm_traces_per_s} traces/s, RSS +{rss_added_mb} MB"
  "memory-recall||memory-recall|p99 < 5 ms|p50 {p50_ms} · p99 {p99_ms} ms"
  "alignment-cost||alignment-cost|MemAlign ≥ 50× fewer optimizer calls than SIMBA, as accurate|{optimizer}: {optimizer_llm_calls} optimizer calls, held-out accuracy {accuracy_before} → {accuracy_after} (every optimizer in the JSON)"
  "judge-run-32|BENCH_JUDGE_TRACES=10000|judge-run|≥ 150 traces/s at concurrency 32|{throughput_per_s} traces/s, call p50 {p50_ms} ms, {errors} errors; the run's CPU per trace: app {run_app_cpu_ms_per_trace} + PostgreSQL {run_postgres_cpu_ms_per_trace} ms"
  "judge-run-128|BENCH_JUDGE_CONCURRENCY=128 BENCH_JUDGE_TRACES=20000 BENCH_JUDGE_WARMUPS=1 JURY_EXTRA_OPTS=-Djury.judges.run-helpers=0|judge-run|≥ 550 traces/s at concurrency 128, app CPU ≤ 1.5 ms per trace (after one warm-up run)|{throughput_per_s} traces/s, call p50 {p50_ms} ms, {errors} errors; the run's CPU per trace: app {run_app_cpu_ms_per_trace} + PostgreSQL {run_postgres_cpu_ms_per_trace} ms"
  "judge-run-replicas|BENCH_JUDGE_CONCURRENCY=256 BENCH_REPLICA_CPU=0.2 BENCH_FAKE_LLM_THREADS=512 BENCH_APP_JAVA_OPTS=@deploy/jvm.options MALLOC_ARENA_MAX=2|judge-run-replicas|two replicas ≥ 1.8× one replica's traces/s, LLM not the limit (each replica capped at 0.2 CPU by a cgroup)|{status}: two replicas {two_replicas_traces_per_s} vs one {one_replica_traces_per_s} traces/s = {ratio}× (one with run-helpers=0: {one_replica_helpers0_traces_per_s} traces/s, {ratio_vs_helpers0}×); traces worked by a / b {two_a_traces} / {two_b_traces}, {two_traces_without_verdict} without a verdict, {two_traces_with_two} with two; app CPU per trace one {one_app_cpu_ms_per_trace} / two {two_app_cpu_ms_per_trace} ms, PostgreSQL {one_postgres_cpu_cores} / {two_postgres_cpu_cores} cores"
  "agreement-report||agreement-report|< 1 s at 1M labels|p50 {p50_ms} · p99 {p99_ms} ms"
  "agreement-report-after-bulk-write|BENCH_AGREEMENT_SETTLE=20|agreement-report|< 1 s also for labels written since start|first request 20 s after writing 1M labels: {first_request}"
  "reviewer-loop-1s|BENCH_REVIEWER_THINK_MS=1000|reviewer-loop|server p50 < 5 ms, p99 < 25 ms|next {server_next_p50_ms} / {server_next_p99_ms} · submit {server_submit_p50_ms} / {server_submit_p99_ms} ms, {errors} errors, {items_over_k} over k"
  "reviewer-loop-5s|BENCH_REVIEWER_THINK_MS=5000|reviewer-loop|server p50 < 5 ms, p99 < 25 ms|next {server_next_p50_ms} / {server_next_p99_ms} · submit {server_submit_p50_ms} / {server_submit_p99_ms} ms, {errors} errors, {items_over_k} over k"
  "reviewer-loop-htmx-1s|BENCH_REVIEWER_THINK_MS=1000|reviewer-loop-htmx|server submit+next p50 < 5 ms, p99 < 25 ms|p50 {server_submit_next_p50_ms} · p99 {server_submit_next_p99_ms} ms, {errors} errors, {items_over_k} over k, CPU/label {app_cpu_ms_per_label} + {postgres_cpu_ms_per_label} ms"
  "startup|BENCH_APP_JAVA_OPTS=@deploy/jvm.options MALLOC_ARENA_MAX=2|startup|ready < 3 s (JVM)|JDK 17, uber-jar + class-data archive (deploy/fast-start.sh): ready after {cds_ready_ms} ms (RSS {cds_rss_when_ready_mb} MB); JDK 25 with the AOT cache: {aot_ready_ms} ms; JDK 17 fast-jar: {ready_ms} ms"
  "memory-under-load|BENCH_REVIEWER_THINK_MS=1000 BENCH_EMBEDDER=1 BENCH_FAST_START=1 BENCH_APP_JAVA_OPTS=@deploy/jvm.options MALLOC_ARENA_MAX=2|offline-judge reviewer-loop-htmx|RSS < 400 MB under 64 reviewers, embedding model in use|app RSS {app_rss_mb_window_start} → {app_rss_mb_window_end} MB over the window (started as the startup row's 3 s start: deploy/fast-start.sh, its class-data archive mapped; the model in the embedding server, used by offline-judge first)"
  "reviewer-loop-htmx-5s|BENCH_REVIEWER_THINK_MS=5000 BENCH_REVIEWER_WARMUP=45 BENCH_REVIEWER_PACED_WARMUP=180|reviewer-loop-htmx|server submit+next p50 < 5 ms, p99 < 25 ms|p50 {server_submit_next_p50_ms} · p99 {server_submit_next_p99_ms} ms, {errors} errors, {items_over_k} over k, CPU/label {app_cpu_ms_per_label} + {postgres_cpu_ms_per_label} ms"
)

settle() { # waits until the 1-minute load average is below 1 (the table's "quiet"), at most BENCH_ROW_SETTLE_MAX
  # seconds (180): a row that starts right after a heavy one (1M rows seeded, 64 reviewers) inherits its load —
  # reviewer-loop-htmx-5s gave p50 6.7 ms starting at load 6.3 and 4.3 ms after the load had fallen below 1
  local waited=0
  while awk '{exit !($1 >= 1)}' /proc/loadavg && [ "$waited" -lt "${BENCH_ROW_SETTLE_MAX:-180}" ]; do
    sleep 5
    waited=$((waited + 5))
  done
}

busy() { # the processes that used more than 10 % of a core when the row started (other than this script's)
  ps -eo pcpu=,comm= --sort=-pcpu | awk '$1 > 10 {printf "%s%s %s%%", sep, $2, $1; sep=", "}'
}

TABLE_ROWS="$ALL/rows.tsv"
: >"$TABLE_ROWS"
for row in "${ROWS[@]}"; do
  IFS='|' read -r label settings scenario target figure <<<"$row"
  if [ -n "${BENCH_ROWS:-}" ] && [[ " $BENCH_ROWS " != *" $label "* ]]; then
    continue
  fi
  printf '\033[1m==>\033[0m %s\n' "$label ($scenario${settings:+, $settings})"
  settle
  before="$(cut -d' ' -f1 /proc/loadavg)"
  others="$(busy)"
  started="$(date -u '+%Y-%m-%d %H:%M UTC')"
  last="${scenario##* }"
  rm -f "target/bench/$last.json"
  # shellcheck disable=SC2086 # the settings are NAME=value words
  if env $settings BENCH_SCENARIOS="$scenario" BENCH_RESET=1 bench/run.sh >"$ALL/$label.log" 2>&1; then
    cp "target/bench/$last.json" "$ALL/$label.json"
  else
    echo "   failed: see $ALL/$label.log"
    rm -f "$ALL/$label.json"
  fi
  after="$(cut -d' ' -f1 /proc/loadavg)"
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$ALL/$label.json" "$target" "$figure" "$started" \
    "load $before → $after${others:+; busy at start: $others}" >>"$TABLE_ROWS"
done

CLASSES="$ROOT/target/bench/classes"
mkdir -p "$CLASSES"
javac -d "$CLASSES" bench/java/ResultsTable.java
java -cp "$CLASSES" ResultsTable "$TABLE_ROWS" | tee "$ALL/results.md"
echo "(written to $ALL/results.md; machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB)"
