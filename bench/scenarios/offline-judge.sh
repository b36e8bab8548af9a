# Scenario: the offline judge (embedded:/minilm-knn) over BENCH_OFFLINE_TRACES (1000) traces of fresh text, cold
# (every text through the in-process embedding model) and warm (a second version: every vector cached); prints
# traces/s of both, the model's texts/s and the app's RSS before the model was loaded and after. Sourced by
# bench/run.sh; figures in docs/performance.md.
scenario_offline_judge() {
  bench_java OfflineJudgeLoad "$BASE_URL" "$TOKEN" "$EXPERIMENT" "${BENCH_OFFLINE_TRACES:-1000}" \
    "${BENCH_OFFLINE_MAX_SECONDS:-300}" "${PG_SERVER}${BENCH_DB}" "$APP_PID" "$OUT/offline-judge.json"
}
