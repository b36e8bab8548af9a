# Scenario: a PostgreSQL outage under load (issue 12, docs/jobs.md). BENCH_OUTAGE_REVIEWERS (8) reviewers loop
# next + submit and a judge run over BENCH_OUTAGE_TRACES (3000) traces runs against the fake LLM; after
# BENCH_OUTAGE_WARMUP (15) seconds the bench database alone is cut off for BENCH_OUTAGE_SECONDS (10) — ALTER DATABASE
# … ALLOW_CONNECTIONS false and pg_terminate_backend of its connections, as DatabaseOutageTest does; the shared
# server is never stopped — then let back. Checks 503 problem+json while down, readiness DOWN then UP, every
# acknowledged label stored once, the judge run SUCCEEDED with one verdict per trace (DbOutage → $OUT/db-outage.json).
# Sourced by bench/run.sh.
scenario_db_outage() {
  bench_java DbOutage "$BASE_URL" "$TOKEN" "$EXPERIMENT" "$PG_SERVER" "$BENCH_DB" "$KEYCLOAK_URL" \
    "${BENCH_OUTAGE_REVIEWERS:-8}" "${BENCH_OUTAGE_TRACES:-3000}" "${BENCH_OUTAGE_WARMUP:-15}" \
    "${BENCH_OUTAGE_SECONDS:-10}" "$OUT/db-outage.json" \
    || printf '\033[31mdb-outage: a check failed (see above, logs in %s)\033[0m\n' "$OUT" >&2
}
