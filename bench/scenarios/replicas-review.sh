# Scenario: more replica faults (issue 12, docs/jobs.md). Starts a second Jury on the same database, then
#  1. BENCH_REPLICA_REVIEWERS (16) reviewers, half on each replica, label a queue of BENCH_REPLICA_ITEMS (300) items
#     with k = BENCH_REPLICA_K (2) through the JSON API until it is full: every item must end with exactly k current
#     labels and every acknowledged submit must be stored once (ReplicaFaults review → $OUT/replicas-review.json);
#  2. starts a SIMBA alignment against the fake LLM, kills -9 BOTH replicas once it is mid-way, starts both again,
#     and checks that the run resumes and finishes, or fails with its reason — never stays RUNNING
#     (ReplicaFaults align-start / align-verify → $OUT/replicas-restart.json).
# The main instance is running again afterwards, so scenarios after this one still run. Sourced by bench/run.sh.
scenario_replicas_review() {
  local port_b base_b pid_b status=0
  start_second_jury "$OUT/app-b.log"
  port_b="$SECOND_PORT" base_b="$SECOND_URL" pid_b="$SECOND_PID"

  # an experiment of its own: its queue must not meet the one another scenario seeded (same queue name)
  local review_exp="$EXPERIMENT-review"
  curl -fsS -o /dev/null -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -d "{\"name\":\"$review_exp\"}" "$BASE_URL/api/v1/experiments"
  bench_java ReplicaFaults review "$BASE_URL" "$base_b" "$TOKEN" "$review_exp" "${PG_SERVER}${BENCH_DB}" \
    "$KEYCLOAK_URL" "${BENCH_REPLICA_REVIEWERS:-16}" "${BENCH_REPLICA_ITEMS:-300}" "${BENCH_REPLICA_K:-2}" \
    "$OUT/replicas-review.json" || status=$?

  local align_exp="$EXPERIMENT-restart"
  curl -fsS -o /dev/null -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -d "{\"name\":\"$align_exp\"}" "$BASE_URL/api/v1/experiments"
  if bench_java ReplicaFaults align-start "$BASE_URL" "$TOKEN" "$align_exp" "${BENCH_REPLICA_ALIGN_TRACES:-120}" \
      "$OUT/replicas-restart.state"; then
    say "replicas-review: kill -9 of both replicas ($APP_PID, $pid_b) mid-alignment, then starting both again"
    kill -9 "$APP_PID" "$pid_b" 2>/dev/null || true
    for _ in $(seq 30); do kill -0 "$APP_PID" 2>/dev/null || kill -0 "$pid_b" 2>/dev/null || break; sleep 1; done
    sed -i "s/ [^ ]*\$/ $(date -u +%FT%T.%3NZ)/" "$OUT/replicas-restart.state" # the kill is the clock's start
    start_jury "$PORT" "$OUT/app.log.restarted"
    APP_PID=$!
    STARTED_PIDS=("$APP_PID" "${STARTED_PIDS[@]}")
    echo "$APP_PID" >"$OUT/app.pid"
    start_jury "$port_b" "$OUT/app-b.log.restarted"
    pid_b=$!
    STARTED_PIDS=("$pid_b" "${STARTED_PIDS[@]}")
    wait_for 120 "Jury" http_ok "$BASE_URL/q/health/ready"
    wait_for 120 "second Jury" http_ok "$base_b/q/health/ready"
    bench_java ReplicaFaults align-verify "$BASE_URL" "$TOKEN" "$OUT/replicas-restart.state" \
      "${BENCH_REPLICA_ALIGN_MAX_SECONDS:-600}" "$OUT/replicas-restart.json" || status=$?
  else
    status=1
  fi
  if kill -0 "$pid_b" 2>/dev/null; then
    kill "$pid_b"
    for _ in $(seq 30); do kill -0 "$pid_b" 2>/dev/null || break; sleep 1; done
  fi
  [ "$status" = 0 ] || printf '\033[31mreplicas-review: a check failed (see above, logs in %s)\033[0m\n' "$OUT" >&2
}
