# Scenario: the reviewer loop (issue #4 item 8). BENCH_REVIEWERS (64) Keycloak users with role reviewer (created
# through Keycloak's admin REST API with kcadmin/kcadmin if missing) each loop POST /api/v1/queues/{id}/next and
# POST /api/v1/leases/{id}/submit for BENCH_REVIEWER_SECONDS (60, after BENCH_REVIEWER_WARMUP 15 uncounted
# seconds) on a queue of BENCH_REVIEWER_ITEMS (100000) items with k = BENCH_REVIEWER_K (2), in an experiment
# holding BENCH_REVIEWER_EXISTING (1000000) assessments of the same name; BENCH_REVIEWER_THINK_MS (0) is the
# pause between getting an item and submitting it. Target: p50 < 5 ms, p99 < 25 ms, zero errors, zero items over k.
# Writes $OUT/reviewer-loop.json and the query plans to $OUT/reviewer-loop-plans.txt. Sourced by bench/run.sh.
scenario_reviewer_loop() {
  BENCH_APP_PID="$APP_PID" BENCH_CLK_TCK="$HZ" bench_java ReviewerLoad "$BASE_URL" "$TOKEN" "$EXPERIMENT" "${PG_SERVER}${BENCH_DB}" "$KEYCLOAK_URL" \
    "${BENCH_REVIEWERS:-64}" "${BENCH_REVIEWER_ITEMS:-100000}" "${BENCH_REVIEWER_K:-2}" \
    "${BENCH_REVIEWER_EXISTING:-1000000}" "${BENCH_REVIEWER_SECONDS:-60}" "${BENCH_REVIEWER_WARMUP:-15}" \
    "${BENCH_REVIEWER_THINK_MS:-0}" "$OUT/reviewer-loop.json"
}
