# Scenario: a judge run over BENCH_JUDGE_TRACES traces against a fake OpenAI-compatible endpoint with
# BENCH_FAKE_LLM_LATENCY_MS (200) latency, at the run concurrency BENCH_JUDGE_CONCURRENCY (32) that run.sh gives
# the app (target: >= 150 traces/s at 32). Sourced by bench/run.sh.
scenario_judge_run() {
  BENCH_APP_PID="$APP_PID" BENCH_CLK_TCK="$HZ" \
  bench_java JudgeRunLoad "$BASE_URL" "$TOKEN" "$EXPERIMENT" "${BENCH_JUDGE_TRACES:-3000}" \
    "${BENCH_JUDGE_MAX_SECONDS:-180}" "${PG_SERVER}${BENCH_DB}" "$OUT/judge-run.json"
}
