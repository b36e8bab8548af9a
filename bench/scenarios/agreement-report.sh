# Scenario: the agreement report on 1,000,000 human labels (250,000 traces × 4 reviewers, 4-level rubric, plus one
# judge version's verdicts), seeded directly in PostgreSQL, then GET …/agreement?bootstrap=0 timed from the load
# process (target: table + statistics under a second). Sourced by bench/run.sh; uses BASE_URL, TOKEN, EXPERIMENT,
# OUT, PG_SERVER, BENCH_DB and bench_java from it.
# Tunables: BENCH_AGREEMENT_TRACES (250000), BENCH_AGREEMENT_RATERS (4), BENCH_AGREEMENT_JUDGE (1),
#           BENCH_AGREEMENT_AGREE (0.75), BENCH_AGREEMENT_REQUESTS (20), BENCH_AGREEMENT_WARMUP (3).
# BENCH_AGREEMENT_SETTLE (0): seconds to wait after the bulk write before the first request (issue 16 item 3: with
# 20, the app's background re-warm has read the new labels and the first request is no longer cold).
scenario_agreement_report() {
  bench_java AgreementLoad "$BASE_URL" "$TOKEN" "$EXPERIMENT" "${PG_SERVER}${BENCH_DB}" \
    "${BENCH_AGREEMENT_TRACES:-250000}" "${BENCH_AGREEMENT_RATERS:-4}" "${BENCH_AGREEMENT_JUDGE:-1}" \
    "${BENCH_AGREEMENT_AGREE:-0.75}" "${BENCH_AGREEMENT_REQUESTS:-20}" "${BENCH_AGREEMENT_WARMUP:-3}" \
    "$OUT/agreement-report.json"
}
