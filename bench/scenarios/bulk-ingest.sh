# Scenario: bulk ingest over HTTP NDJSON (target: >= 10,000 traces/s sustained).
# Sourced by bench/run.sh; uses BASE_URL, TOKEN, EXPERIMENT, OUT and bench_java from it.
# Tunables: BENCH_INGEST_TOTAL (200000), BENCH_INGEST_BATCH (5000), BENCH_INGEST_CONCURRENCY (4),
#           BENCH_INGEST_MAX_SECONDS (300), BENCH_INGEST_WARMUP_BATCHES (4).
scenario_bulk_ingest() {
  bench_java BulkIngest "$BASE_URL" "$TOKEN" "$EXPERIMENT" \
    "${BENCH_INGEST_TOTAL:-200000}" "${BENCH_INGEST_BATCH:-5000}" "${BENCH_INGEST_CONCURRENCY:-4}" \
    "${BENCH_INGEST_MAX_SECONDS:-300}" "${BENCH_INGEST_WARMUP_BATCHES:-4}" "$OUT/bulk-ingest.json"
}
