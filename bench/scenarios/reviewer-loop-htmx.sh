# Scenario: the reviewer loop through the server-rendered htmx pages (issue 16, deliverable 1). BENCH_REVIEWERS (64)
# Keycloak users with role reviewer each sign in once through the OIDC authorization-code flow (their own cookie
# jar: the app's session cookie, the CSRF cookie), load GET /review/{queue}, then for BENCH_REVIEWER_SECONDS (60,
# after BENCH_REVIEWER_WARMUP 15 uncounted seconds at full speed and BENCH_REVIEWER_PACED_WARMUP 120 at the measured
# pace, so that the JIT is done compiling the loop before the window opens) wait BENCH_REVIEWER_THINK_MS (1000;
# also run with 5000) and post the label form with htmx (HX-Request, CSRF token, lease and lease token from the page) to
# POST /review/{queue}/submit, reading the next item from the fragment; every 20 items the whole page is loaded again.
# Same data as reviewer-loop: a queue of BENCH_REVIEWER_ITEMS (100000) items, k = BENCH_REVIEWER_K (2), next to
# BENCH_REVIEWER_EXISTING (1000000) assessments. Target (server side): submit+next p50 < 5 ms, p99 < 25 ms, zero
# errors, zero items over k. Writes $OUT/reviewer-loop-htmx.json. Sourced by bench/run.sh.
scenario_reviewer_loop_htmx() {
  BENCH_APP_PID="$APP_PID" BENCH_CLK_TCK="$HZ" bench_java HtmxReviewerLoad "$BASE_URL" "$TOKEN" "$EXPERIMENT" "${PG_SERVER}${BENCH_DB}" "$KEYCLOAK_URL" \
    "${BENCH_REVIEWERS:-64}" "${BENCH_REVIEWER_ITEMS:-100000}" "${BENCH_REVIEWER_K:-2}" \
    "${BENCH_REVIEWER_EXISTING:-1000000}" "${BENCH_REVIEWER_SECONDS:-60}" "${BENCH_REVIEWER_WARMUP:-15}" \
    "${BENCH_REVIEWER_THINK_MS:-1000}" "$OUT/reviewer-loop-htmx.json"
}
