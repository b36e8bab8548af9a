# Scenario: online scoring keeping up with a stream (issue 14): BENCH_ONLINE_RATE (100) traces/s ingested through the
# API for BENCH_ONLINE_SECONDS (120) s, a registered judge scoring a BENCH_ONLINE_SAMPLE_RATE (0.5) sample against the
# fake LLM at BENCH_FAKE_LLM_LATENCY_MS (200) — target: no backlog growth (slope of the waiting traces ≈ 0 over the
# second half, the backlog drains within BENCH_ONLINE_DRAIN_SECONDS (60) after the stream). run.sh gives the app
# jury.online-scoring.concurrency = BENCH_JUDGE_CONCURRENCY (32): 50 calls/s of 200 ms need at least 10 in flight.
# Sourced by bench/run.sh.
scenario_online_scoring() {
  bench_java OnlineScoringLoad "$BASE_URL" "$TOKEN" "$EXPERIMENT" "${PG_SERVER}${BENCH_DB}" \
    "${BENCH_ONLINE_RATE:-100}" "${BENCH_ONLINE_SECONDS:-120}" "${BENCH_ONLINE_SAMPLE_RATE:-0.5}" \
    "${BENCH_ONLINE_DRAIN_SECONDS:-60}" "$OUT/online-scoring.json"
}
