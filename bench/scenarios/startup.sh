# Scenario: start time and memory (issue 16, deliverable 6). Starts a second Jury on the bench database (already
# migrated by the first), BENCH_STARTUP_RUNS (3) times one after the other on an otherwise idle app, and measures
# the wall time from exec to /q/health/ready answering UP, Quarkus's own "started in", and the process's RSS once
# ready (before any request). Target: ready < 3 s (JVM mode).
#
# Three ways, each BENCH_STARTUP_RUNS times: as built (java on the PATH, the fast-jar); the uber-jar with a
# class-data archive through deploy/fast-start.sh (JDK 17+: built into target/quarkus-app-uber, one training start
# that writes the archive, then the timed starts); and, when a JDK 25+ is found (BENCH_AOT_JAVA, else the newest
# /usr/lib/jvm/*/bin/java of version >= 25), with an AOT cache (JEP 483/514/515) — the `aot-jar` packaging built
# into target/quarkus-app-aot, one training run that starts the app, signs in and opens a few pages, then the timed
# starts with -XX:AOTCache (docs/deployment.md, "Fast start"). RSS under load with the embedding model loaded is
# measured by running offline-judge before reviewer-loop-htmx in one bench run (the window reports app_rss_mb).
# Writes $OUT/startup.json. Sourced by bench/run.sh.
scenario_startup() {
  local runs="${BENCH_STARTUP_RUNS:-3}" aot_java plain cds aot=""
  # The bench's own app has just started: let its JIT settle so the timed starts have the cores to themselves.
  sleep "${BENCH_STARTUP_SETTLE:-15}"
  plain="$(JURY_LAUNCHER="" time_starts "$runs" java "$ROOT/target/quarkus-app/quarkus-run.jar" "" "")"
  [ -n "${CDS_JAR:-}" ] || build_cds_archive # bench/run.sh; already done under BENCH_FAST_START=1
  cds="$(JURY_LAUNCHER="$ROOT/deploy/fast-start.sh" time_starts "$runs" java "$CDS_JAR" "" cds_)"
  aot_java="$(find_aot_java)"
  if [ -n "$aot_java" ]; then
    build_aot_cache "$aot_java"
    aot="$(JURY_LAUNCHER="" time_starts "$runs" "$aot_java" "$ROOT/target/quarkus-app-aot/quarkus-run.jar" \
      "-XX:AOTCache=$ROOT/target/quarkus-app-aot/app.aot" aot_)"
  fi
  # flat keys (bench/java/ResultsTable reads top-level values): the fast-jar's, the archive's with cds_, then the AOT
  # cache's with aot_
  printf '{"scenario": "startup", "runs": %s, %s, %s%s, "aot_java": "%s"}\n' \
    "$runs" "$plain" "$cds" "${aot:+, $aot}" "$aot_java" >"$OUT/startup.json"
  printf '%-22s %s\n' startup "$(startup_line "$plain" "") ($(java -version 2>&1 | head -1 | tr -d '"'), fast-jar)"
  printf '%-22s %s\n' "" "$(startup_line "$cds" cds_) (the same JDK, uber-jar + class-data archive)"
  [ -z "$aot" ] || printf '%-22s %s\n' "" \
    "$(startup_line "$aot" aot_) ($("$aot_java" -version 2>&1 | head -1 | tr -d '"'), AOT cache)"
}

startup_line() { # startup_line JSON PREFIX — the figures of time_starts as one line of text
  local json="$1" prefix="$2"
  printf 'ready after %s ms (Quarkus: %s s); RSS when ready %s MB' \
    "$(sed "s/.*\"${prefix}ready_ms\": \\[\\([^]]*\\)\\].*/\\1/" <<<"$json")" \
    "$(sed "s/.*\"${prefix}quarkus_started_in_s\": \\[\\([^]]*\\)\\].*/\\1/" <<<"$json")" \
    "$(sed "s/.*\"${prefix}rss_when_ready_mb\": \\[\\([^]]*\\)\\].*/\\1/" <<<"$json")"
}

time_starts() { # time_starts RUNS JAVA JAR EXTRA_OPTS PREFIX — prints "PREFIXready_ms": [...], ... (no braces)
  local runs="$1" jvm="$2" jar="$3" extra="$4" prefix="$5" port_s base_s pid_s t0 t1 times="" started="" rss="" i log
  for i in $(seq "$runs"); do
    port_s="$(other_port)"
    base_s="http://127.0.0.1:$port_s"
    log="$OUT/app-startup-$(basename "$(dirname "$jar")")-$i.log"
    t0="$(date +%s%N)"
    JURY_JAVA="$jvm" JURY_JAR="$jar" JURY_EXTRA_OPTS="$extra" start_jury "$port_s" "$log"
    pid_s=$!
    STARTED_PIDS+=("$pid_s")
    for _ in $(seq 600); do
      curl -fsS -o /dev/null --max-time 1 "$base_s/q/health/ready" 2>/dev/null && break
      sleep 0.05
    done
    t1="$(date +%s%N)"
    times="$times${times:+, }$(( (t1 - t0) / 1000000 ))"
    started="$started${started:+, }$(sed -n 's/.*started in \([0-9.]*\)s.*/\1/p' "$log" | head -1)"
    rss="$rss${rss:+, }$(awk '/VmRSS/{printf "%d", $2 / 1024}' "/proc/$pid_s/status")"
    kill "$pid_s"; wait "$pid_s" 2>/dev/null || true
  done
  printf '"%sready_ms": [%s], "%squarkus_started_in_s": [%s], "%srss_when_ready_mb": [%s]' \
    "$prefix" "$times" "$prefix" "$started" "$prefix" "$rss"
}

find_aot_java() { # a java of version 25 or newer: BENCH_AOT_JAVA, else the newest under /usr/lib/jvm; empty if none
  local candidate major best="" best_major=0
  for candidate in ${BENCH_AOT_JAVA:-} /usr/lib/jvm/*/bin/java; do
    [ -x "$candidate" ] || continue
    major="$("$candidate" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)"
    [ -n "$major" ] && [ "$major" -ge 25 ] || continue
    if [ -n "${BENCH_AOT_JAVA:-}" ] && [ "$candidate" = "$BENCH_AOT_JAVA" ]; then echo "$candidate"; return; fi
    if [ "$major" -gt "$best_major" ]; then best="$candidate"; best_major="$major"; fi
  done
  echo "$best"
}

build_aot_cache() { # build_aot_cache JAVA — the aot-jar in target/quarkus-app-aot and its cache from one training run
  local jvm="$1" dir="$ROOT/target/quarkus-app-aot" port_t base_t pid_t
  say "Startup: building the aot-jar and training its AOT cache with $jvm"
  ./mvnw -B -q -o package -DskipTests -Dquarkus.package.jar.type=aot-jar \
    -Dquarkus.package.output-directory=quarkus-app-aot >/dev/null 2>&1 \
    || ./mvnw -B -q package -DskipTests -Dquarkus.package.jar.type=aot-jar \
      -Dquarkus.package.output-directory=quarkus-app-aot >/dev/null
  rm -f "$dir/app.aot"
  port_t="$(other_port)"
  base_t="http://127.0.0.1:$port_t"
  JURY_LAUNCHER="" JURY_JAVA="$jvm" JURY_JAR="$dir/quarkus-run.jar" JURY_EXTRA_OPTS="-XX:AOTCacheOutput=$dir/app.aot" \
    start_jury "$port_t" "$OUT/app-aot-training.log"
  pid_t=$!
  STARTED_PIDS+=("$pid_t")
  wait_for 120 "Jury (AOT training run)" http_ok "$base_t/q/health/ready"
  training_requests "$base_t"
  kill "$pid_t"
  wait "$pid_t" 2>/dev/null || true # the JVM writes the cache on exit (a forked assembly step)
  [ -s "$dir/app.aot" ] || die "the AOT training run wrote no cache (see $OUT/app-aot-training.log)"
}
