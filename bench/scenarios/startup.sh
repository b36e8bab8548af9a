# Scenario: start time and memory (issue 16, deliverable 6). Starts a second Jury on the bench database (already
# migrated by the first), BENCH_STARTUP_RUNS (3) times one after the other on an otherwise idle app, and measures
# the wall time from exec to /q/health/ready answering UP, Quarkus's own "started in", and the process's RSS once
# ready (before any request). Target: ready < 3 s (JVM mode). RSS under load, with the embedding model loaded, is
# measured by running offline-judge before reviewer-loop-htmx in one bench run (the window reports app_rss_mb).
# Writes $OUT/startup.json. Sourced by bench/run.sh.
scenario_startup() {
  local runs="${BENCH_STARTUP_RUNS:-3}" port_s base_s pid_s t0 t1 times="" started="" rss="" i
  for i in $(seq "$runs"); do
    port_s="$(free_port)"
    while [ "$port_s" = "$LLM_PORT" ] || [ "$port_s" = "$PORT" ] || port_open "$port_s"; do port_s=$((port_s + 1)); done
    base_s="http://127.0.0.1:$port_s"
    t0="$(date +%s%N)"
    start_jury "$port_s" "$OUT/app-startup-$i.log"
    pid_s=$!
    STARTED_PIDS+=("$pid_s")
    for _ in $(seq 600); do
      curl -fsS -o /dev/null --max-time 1 "$base_s/q/health/ready" 2>/dev/null && break
      sleep 0.05
    done
    t1="$(date +%s%N)"
    times="$times${times:+, }$(( (t1 - t0) / 1000000 ))"
    started="$started${started:+, }$(sed -n 's/.*started in \([0-9.]*\)s.*/\1/p' "$OUT/app-startup-$i.log" | head -1)"
    rss="$rss${rss:+, }$(awk '/VmRSS/{printf "%d", $2 / 1024}' "/proc/$pid_s/status")"
    kill "$pid_s"; wait "$pid_s" 2>/dev/null || true
  done
  printf '{"scenario": "startup", "runs": %s, "ready_ms": [%s], "quarkus_started_in_s": [%s], "rss_when_ready_mb": [%s]}\n' \
    "$runs" "$times" "$started" "$rss" >"$OUT/startup.json"
  printf '%-22s ready after %s ms (Quarkus: %s s); RSS when ready %s MB\n' startup "$times" "$started" "$rss"
}
