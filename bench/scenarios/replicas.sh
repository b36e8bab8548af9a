# Scenario: replica failover (issue 12, docs/jobs.md). Starts a second Jury on the same database, starts a judge
# run of BENCH_FAILOVER_TRACES (3000) traces through it, kills -9 the replica running it a quarter of the way, and
# checks that the other replica reclaims it (the "p50" column is the kill → reclaim delay, target ≤ 20 s) and
# finishes it with exactly one verdict per trace. If the main instance was the one killed, it is started again
# for the scenarios after this one. Sourced by bench/run.sh.
scenario_replicas() {
  local port_b base_b pid_b status=0
  port_b="$(free_port)"
  while [ "$port_b" = "$LLM_PORT" ] || [ "$port_b" = "$PORT" ] || port_open "$port_b"; do port_b=$((port_b + 1)); done
  base_b="http://127.0.0.1:$port_b"
  say "replicas: second Jury on $base_b"
  start_jury "$port_b" "$OUT/app-b.log"
  pid_b=$!
  STARTED_PIDS=("$pid_b" "${STARTED_PIDS[@]}")
  wait_for 120 "second Jury" http_ok "$base_b/q/health/ready"
  bench_java ReplicaFailover "$BASE_URL" "$APP_PID" "$base_b" "$pid_b" "$TOKEN" "$EXPERIMENT" \
    "${BENCH_FAILOVER_TRACES:-3000}" "${PG_SERVER}${BENCH_DB}" "$OUT/replicas.json" || status=$?
  if kill -0 "$pid_b" 2>/dev/null; then
    kill "$pid_b"
    for _ in $(seq 30); do kill -0 "$pid_b" 2>/dev/null || break; sleep 1; done
  fi
  if ! kill -0 "$APP_PID" 2>/dev/null; then
    say "replicas: restarting the main Jury (it was the replica killed)"
    start_jury "$PORT" "$OUT/app.log"
    APP_PID=$!
    STARTED_PIDS=("$APP_PID" "${STARTED_PIDS[@]}")
    echo "$APP_PID" >"$OUT/app.pid"
    wait_for 120 "Jury" http_ok "$BASE_URL/q/health/ready"
  fi
  [ "$status" = 0 ] || printf '\033[31mreplicas: failover check failed (see above, logs in %s)\033[0m\n' "$OUT" >&2
}
