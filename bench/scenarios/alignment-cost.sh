# Scenario: SIMBA and MemAlign align the same judge on the same BENCH_ALIGN_TRACES (250) labelled traces against the
# fake LLM, in a world where one learned rule fixes the judge; prints each one's LLM calls, tokens, wall time and
# held-out accuracy and κ before/after (issue 11: MemAlign >= 50x fewer calls, at least as accurate). Sourced by
# bench/run.sh; figures in docs/performance.md and docs/alignment.md.
scenario_alignment_cost() {
  bench_java AlignmentCostLoad "$BASE_URL" "$TOKEN" "$EXPERIMENT" "${BENCH_ALIGN_TRACES:-250}" \
    "${BENCH_ALIGN_MAX_SECONDS:-900}" "$OUT/alignment-cost.json"
}
