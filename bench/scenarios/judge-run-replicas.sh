# Scenario: two replicas against one on a judge run (issue 16 item 5, docs/performance.md "Two replicas against
# one"). Each replica runs in a cgroup v1 cpu controller with a CPU quota of BENCH_REPLICA_CPU (0.4) cores, like a
# Kubernetes CPU limit, so that it stands in for a small machine of its own and its CPU — not the fake LLM, not
# PostgreSQL — limits the run; two capped replicas, PostgreSQL, the fake LLM and the load program fit in the 2 cores.
#   1. two replicas: the main Jury (replica a) and a second one (replica b) with the same settings on the same
#      database: at least 3 warm-up runs of BENCH_REPLICAS_UNCAPPED_WARMUP_TRACES (30000) traces before the cap (the JIT), then
#      both capped alike: at least BENCH_REPLICAS_WARMUPS (2) warm-up runs of BENCH_REPLICAS_WARMUP_TRACES (4000)
#      traces, more until one is no more than 5 % faster than the one before, then the measured run of
#      BENCH_REPLICAS_TRACES (20000) traces, all started through a;
#   2. one replica: b stopped, a alone (warmer now than either replica was in 1), at least one warm-up run more,
#      then the measured run;
#   3. (BENCH_REPLICAS_HELPERS0=1, the default) a fresh replica a alone with jury.judges.run-helpers=0 (what
#      docs/jobs.md advises for one replica), warmed up like 1, then measured, so the baseline is not handicapped by
#      helpers on one replica (its uncapped warm-up all on itself, so it is the warmest of all).
# Every run is split into chunks (run-chunk-size 500, the default run-helpers 3 in 1 and 2); the scenario checks
# from judge_run_chunk that both replicas worked chunks and that every trace has exactly one current verdict.
# Set BENCH_JUDGE_CONCURRENCY high (the all.sh row: 128, i.e. 640 traces/s per replica at 200 ms) and give the fake
# LLM, which both replicas share, threads for both (BENCH_FAKE_LLM_THREADS, the row: 512; its default 128 caps the
# two replicas together at 640 calls/s) so the LLM is not the limit; BENCH_APP_JAVA_OPTS are the replicas' JVM
# options (the row: deploy/jvm.options). The scenario restarts the main Jury as replica a with
# -XX:ActiveProcessorCount=2 added, as it starts every replica. The uncapped warm-up runs also go on while one is
# more than 5 % faster than the one before. Without a writable cgroup (not root, cgroup v2, no cpu controller) the
# scenario says so and writes a result with status "skipped". Afterwards the main Jury runs again uncapped with the
# harness's settings. Sourced by bench/run.sh.
REPLICAS_CGROUP_ROOT="${BENCH_CGROUP_CPU_ROOT:-/sys/fs/cgroup/cpu}" # where cgroup v1's cpu controller is mounted
scenario_judge_run_replicas() {
  local cap="${BENCH_REPLICA_CPU:-0.4}" period=100000 quota root="$REPLICAS_CGROUP_ROOT"
  local cg_a="$REPLICAS_CGROUP_ROOT/jury-bench-$$-a" cg_b="$REPLICAS_CGROUP_ROOT/jury-bench-$$-b"
  local traces="${BENCH_REPLICAS_TRACES:-20000}" warm="${BENCH_REPLICAS_WARMUP_TRACES:-4000}"
  local warmups="${BENCH_REPLICAS_WARMUPS:-2}" max="${BENCH_REPLICAS_MAX_SECONDS:-600}"
  local base_b pid_b status=0 why=""
  quota="$(awk -v c="$cap" -v p="$period" 'BEGIN { printf "%d", c * p }')"
  for dir in "$cg_a" "$cg_b"; do
    if [ -z "$why" ]; then
      if [ ! -w "$root" ]; then
        why="no writable cgroup v1 cpu controller at $root (needs root and cgroup v1)"
      elif ! mkdir "$dir" 2>/dev/null; then
        why="cannot create the cgroup $dir"
      else
        CGROUPS+=("$dir")
        { echo "$period" >"$dir/cpu.cfs_period_us" && echo "$quota" >"$dir/cpu.cfs_quota_us"; } 2>/dev/null \
          || why="cannot set a CPU quota in $dir"
        [ ! -f "$dir/cpu.cfs_burst_us" ] || echo 0 >"$dir/cpu.cfs_burst_us" 2>/dev/null || true
      fi
    fi
  done
  if [ -n "$why" ]; then
    printf '\033[33mjudge-run-replicas: SKIPPED — %s; nothing was measured\033[0m\n' "$why" >&2
    printf '{"scenario": "judge-run-replicas", "status": "skipped: %s", "errors": 1}\n' "$why" >"$OUT/judge-run-replicas.json"
    replicas_cgroups_remove
    return 0
  fi
  say "judge-run-replicas: each replica capped at $cap CPU ($quota/$period µs) in $cg_a, $cg_b"
  if [ "${BENCH_FAKE_LLM_THREADS:-128}" -lt $((2 * JUDGE_CONCURRENCY)) ]; then
    printf '\033[33mjudge-run-replicas: the fake LLM answers %s calls at once, less than two replicas at concurrency %s send: it may be the limit (BENCH_FAKE_LLM_THREADS)\033[0m\n' \
      "${BENCH_FAKE_LLM_THREADS:-128}" "$JUDGE_CONCURRENCY" >&2
  fi

  # Every replica of this scenario gets -XX:ActiveProcessorCount (BENCH_REPLICA_PROCESSORS, 2): a JVM started inside
  # a 0.4-CPU quota would count 1 processor and pick other GC and pool sizes; this way only the quota differs from
  # the 2-core machine, and one replica is sized like two (docs/performance.md "Two replicas against one").
  local opts="${JURY_EXTRA_OPTS:-} -XX:ActiveProcessorCount=${BENCH_REPLICA_PROCESSORS:-2}"
  replicas_stop "$APP_PID"
  JURY_EXTRA_OPTS="$opts" start_main_jury "$OUT/app-a.log" "Jury (replica a)"
  local llm="${LLM_PID:-0}" run=(bench_java JudgeRunReplicas run) uncapped="${BENCH_REPLICAS_UNCAPPED_WARMUP_TRACES:-30000}"
  if [ "$status" = 0 ]; then
    JURY_EXTRA_OPTS="$opts" start_second_jury "$OUT/app-b.log"
    base_b="$SECOND_URL" pid_b="$SECOND_PID"
    # The JIT first, uncapped: under a 0.4-CPU quota the compiler threads take most of a fresh replica's CPU for
    # tens of thousands of traces. Replicas in production run for days; the bench measures that steady state.
    say "judge-run-replicas: uncapped warm-up of both replicas (3 runs of $uncapped traces)"
    "${run[@]}" warm-two "$BASE_URL" "$KEYCLOAK_URL" "$EXPERIMENT" 0 "$uncapped" 3 "$max" "${PG_SERVER}${BENCH_DB}" \
      "a=$APP_PID=,b=$pid_b=" "$llm" /dev/null || status=$?
    replicas_cap "$APP_PID" "$cg_a" || status=1
    replicas_cap "$pid_b" "$cg_b" || status=1
    [ "$status" = 0 ] && { "${run[@]}" two "$BASE_URL" "$KEYCLOAK_URL" "$EXPERIMENT" "$traces" "$warm" "$warmups" "$max" \
      "${PG_SERVER}${BENCH_DB}" "a=$APP_PID=$cg_a,b=$pid_b=$cg_b" "$llm" "$OUT/judge-run-replicas-two.json" || status=$?; }
    replicas_stop "$pid_b"
  fi
  # one replica second, on the same replica a, now warmer than either replica was in the two-replica run
  [ "$status" = 0 ] && { "${run[@]}" one "$BASE_URL" "$KEYCLOAK_URL" "$EXPERIMENT" "$traces" "$warm" 1 "$max" \
    "${PG_SERVER}${BENCH_DB}" "a=$APP_PID=$cg_a" "$llm" "$OUT/judge-run-replicas-one.json" || status=$?; }

  if [ "$status" = 0 ] && [ "${BENCH_REPLICAS_HELPERS0:-1}" = 1 ]; then
    say "judge-run-replicas: replica a again, alone, with jury.judges.run-helpers=0"
    replicas_stop "$APP_PID"
    JURY_EXTRA_OPTS="$opts -Djury.judges.run-helpers=0" start_main_jury "$OUT/app-helpers0.log" "Jury (run-helpers=0)"
    say "judge-run-replicas: uncapped warm-up (3 runs of $uncapped traces, all on this replica)"
    "${run[@]}" warm-one-helpers0 "$BASE_URL" "$KEYCLOAK_URL" "$EXPERIMENT" 0 "$uncapped" 3 "$max" \
      "${PG_SERVER}${BENCH_DB}" "a=$APP_PID=" "$llm" /dev/null || status=$?
    replicas_cap "$APP_PID" "$cg_a" || status=1
    [ "$status" = 0 ] && { "${run[@]}" one-helpers0 "$BASE_URL" "$KEYCLOAK_URL" "$EXPERIMENT" "$traces" "$warm" \
      "$warmups" "$max" "${PG_SERVER}${BENCH_DB}" "a=$APP_PID=$cg_a" "$llm" "$OUT/judge-run-replicas-one-helpers0.json" \
      || status=$?; }
  fi

  if [ "$status" = 0 ]; then
    bench_java JudgeRunReplicas summary "$OUT/judge-run-replicas.json" "$OUT/judge-run-replicas-one.json" \
      "$OUT/judge-run-replicas-two.json" \
      "$([ "${BENCH_REPLICAS_HELPERS0:-1}" = 1 ] && echo "$OUT/judge-run-replicas-one-helpers0.json")" || status=$?
  fi
  # the main Jury again as the harness started it (uncapped), for the scenarios after this one
  replicas_stop "$APP_PID"
  start_main_jury "$OUT/app.log.after-replicas"
  replicas_cgroups_remove
  [ "$status" = 0 ] || printf '\033[31mjudge-run-replicas: failed (see above, logs in %s)\033[0m\n' "$OUT" >&2
}

# replicas_cap PID CGROUP: moves a whole JVM (every thread) into the cgroup and checks that all its threads are there.
replicas_cap() {
  local pid=$1 dir=$2 name threads outside
  name="/${dir#"$REPLICAS_CGROUP_ROOT"/}"
  echo "$pid" >"$dir/cgroup.procs" || { echo "judge-run-replicas: cannot move $pid into $dir" >&2; return 1; }
  threads="$(ls "/proc/$pid/task" | wc -l)"
  outside="$( (grep -L "^[0-9]*:cpu:$name\$" /proc/"$pid"/task/*/cgroup 2>/dev/null || true) | wc -l)"
  if [ "$outside" != 0 ]; then
    echo "judge-run-replicas: $outside of $threads threads of $pid are not in $dir" >&2
    return 1
  fi
  say "judge-run-replicas: PID $pid with all its $threads threads in $name (quota $(cat "$dir/cpu.cfs_quota_us") µs per $(cat "$dir/cpu.cfs_period_us") µs)"
}

replicas_stop() { # replicas_stop PID: stops one Jury and waits for it to end
  local pid=$1
  kill -0 "$pid" 2>/dev/null || return 0
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 30); do kill -0 "$pid" 2>/dev/null || return 0; sleep 1; done
  kill -9 "$pid" 2>/dev/null || true
  for _ in $(seq 10); do kill -0 "$pid" 2>/dev/null || return 0; sleep 1; done
}

replicas_cgroups_remove() { # the scenario's cgroups, once nothing runs in them any more
  local dir
  for dir in "$REPLICAS_CGROUP_ROOT/jury-bench-$$-a" "$REPLICAS_CGROUP_ROOT/jury-bench-$$-b"; do
    [ -d "$dir" ] || continue
    if [ -s "$dir/cgroup.procs" ]; then
      echo "judge-run-replicas: $dir still holds $(tr '\n' ' ' <"$dir/cgroup.procs"); left for the harness's cleanup" >&2
    else
      rmdir "$dir" 2>/dev/null || true
    fi
  done
}
