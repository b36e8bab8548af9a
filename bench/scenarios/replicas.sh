# Scenario: replica failover (issue 12, docs/jobs.md). Starts a second Jury on the same database, starts a judge
# run of BENCH_FAILOVER_TRACES (3000) traces through it, kills -9 the replica running it a quarter of the way, and
# checks that the other replica reclaims it (the "p50" column is the kill → reclaim delay, target ≤ 20 s) and
# finishes it with exactly one verdict per trace. If the main instance was the one killed, it is started again
# for the scenarios after this one. Sourced by bench/run.sh.
scenario_replicas() {
  local base_b pid_b status=0
  start_second_jury "$OUT/app-b.log"
  base_b="$SECOND_URL" pid_b="$SECOND_PID"
  bench_java ReplicaFailover "$BASE_URL" "$APP_PID" "$base_b" "$pid_b" "$TOKEN" "$EXPERIMENT" \
    "${BENCH_FAILOVER_TRACES:-3000}" "${PG_SERVER}${BENCH_DB}" "$OUT/replicas.json" || status=$?
  if kill -0 "$pid_b" 2>/dev/null; then
    kill "$pid_b"
    for _ in $(seq 30); do kill -0 "$pid_b" 2>/dev/null || break; sleep 1; done
  fi
  if ! kill -0 "$APP_PID" 2>/dev/null; then
    say "replicas: restarting the main Jury (it was the replica killed)"
    start_main_jury "$OUT/app.log"
  fi
  [ "$status" = 0 ] || printf '\033[31mreplicas: failover check failed (see above, logs in %s)\033[0m\n' "$OUT" >&2
}
