# Scenario: OpenTelemetry trace ingest, POST /v1/traces with protobuf bodies of 5-span GenAI traces, from a separate
# JVM with a service token (target: >= 5,000 traces/s of 5-span traces on 2 cores, issue 14).
# Sourced by bench/run.sh; uses BASE_URL, KEYCLOAK_URL, EXPERIMENT, PG_SERVER, BENCH_DB, OUT and bench_java from it.
# Tunables: BENCH_OTLP_TRACES (200000), BENCH_OTLP_TRACES_PER_REQUEST (100, i.e. 500 spans: about what an SDK's
#           batch span processor sends, 512 spans at most), BENCH_OTLP_CONCURRENCY (4), BENCH_OTLP_MAX_SECONDS (300),
#           BENCH_OTLP_WARMUP_REQUESTS (40).
scenario_otlp_ingest() {
  bench_java OtlpIngest "$BASE_URL" "$KEYCLOAK_URL" "$EXPERIMENT" "${PG_SERVER}${BENCH_DB}" \
    "${BENCH_OTLP_TRACES:-200000}" "${BENCH_OTLP_TRACES_PER_REQUEST:-100}" "${BENCH_OTLP_CONCURRENCY:-4}" \
    "${BENCH_OTLP_MAX_SECONDS:-300}" "${BENCH_OTLP_WARMUP_REQUESTS:-40}" "$OUT/otlp-ingest.json"
}
