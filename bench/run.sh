#!/usr/bin/env bash
# Jury's benchmark harness: one command that builds the app if needed, starts it on a free port against its own
# database (jury_bench), gets a token from Keycloak, seeds an experiment, runs the scenarios from a separate JVM
# on loopback and prints p50/p95/p99, throughput and errors per scenario (also as JSON under target/bench/).
# Everything it starts is stopped again by PID when it ends.
#
#   bench/run.sh                       # all scenarios (bench/scenarios/*.sh)
#   BENCH_SCENARIOS="bulk-ingest" bench/run.sh
#   BENCH_RESET=1 bench/run.sh         # drop and recreate jury_bench first
#   BENCH_DB=jury_bench_x BENCH_KEYCLOAK_PORT=18380 bench/run.sh   # own database and Keycloak (shared machine)
#   BENCH_FAST_START=1 bench/run.sh    # every Jury as deploy/fast-start.sh starts it (uber-jar + class-data archive)
#
# Adding a scenario: a file bench/scenarios/NAME.sh defining scenario_NAME (dashes as underscores), usually
# calling `bench_java SomeLoad …` with a Java program in bench/java/ that writes "$OUT/NAME.json" via Stats.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
OUT="$ROOT/target/bench"
mkdir -p "$OUT"
PG_SERVER="${BENCH_PG_SERVER:-jdbc:postgresql://127.0.0.1:5432/}"
BENCH_DB="${BENCH_DB:-jury_bench}"
KEYCLOAK_VERSION="$(sed -n 's:.*<keycloak.version>\(.*\)</keycloak.version>.*:\1:p' pom.xml | head -1)"
SCENARIOS="${BENCH_SCENARIOS:-$(ls bench/scenarios | sed -n 's/\.sh$//p' | tr '\n' ' ')}"

say() { printf '\033[1m==>\033[0m %s\n' "$*"; }
die() { printf '\033[31merror:\033[0m %s\n' "$*" >&2; exit 1; }
http_ok() { curl -fsS -o /dev/null --max-time 2 "$1" 2>/dev/null; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_for() { # wait_for SECONDS DESCRIPTION COMMAND...
  local seconds=$1 what=$2; shift 2
  for _ in $(seq "$seconds"); do "$@" && return 0; sleep 1; done
  die "$what did not come up within ${seconds}s (logs in $OUT)"
}
free_port() { local p; for p in $(seq 18300 18399); do port_open "$p" || { echo "$p"; return; }; done; die "no free port"; }

STARTED_PIDS=()
CGROUPS=() # cgroup directories a scenario created (judge-run-replicas), removed once their processes have ended
cleanup() {
  local pid dir
  for pid in "${STARTED_PIDS[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
      kill -9 "$pid" 2>/dev/null || true
    fi
  done
  for dir in "${CGROUPS[@]}"; do
    [ -d "$dir" ] || continue
    for _ in $(seq 10); do rmdir "$dir" 2>/dev/null && break; sleep 1; done
    [ ! -d "$dir" ] || echo "warning: could not remove cgroup $dir (processes left in it: $(tr '\n' ' ' <"$dir/cgroup.procs"))" >&2
  done
}
trap cleanup EXIT

command -v java >/dev/null || die "a JDK 17+ is required"
command -v curl >/dev/null || die "curl is required"

# ---- Build -----------------------------------------------------------------------------------
JAR="$ROOT/target/quarkus-app/quarkus-run.jar"
if [ ! -f "$JAR" ] || [ -n "$(find src pom.xml -newer "$JAR" -print -quit)" ]; then
  say "Building Jury (./mvnw package -DskipTests)"
  ./mvnw -B -q -o package -DskipTests 2>/dev/null || ./mvnw -B -q package -DskipTests
fi
# LAUNCHER: empty (java -jar $JAR), or deploy/fast-start.sh when BENCH_FAST_START=1 (set once Keycloak is up: the
# archive is written by one training start, build_cds_archive)
LAUNCHER=""
PG_DRIVER="$(ls "$ROOT"/target/quarkus-app/lib/main/org.postgresql.postgresql-*.jar | head -1)"
CLASSES="$OUT/classes"
mkdir -p "$CLASSES"
javac -q -d "$CLASSES" -cp "$PG_DRIVER" bench/java/*.java 2>/dev/null || javac -d "$CLASSES" -cp "$PG_DRIVER" bench/java/*.java
bench_java() { java -Xmx1g -cp "$CLASSES:$PG_DRIVER" "$@"; }

# ---- PostgreSQL ------------------------------------------------------------------------------
port_open 5432 || die "PostgreSQL is not reachable on 127.0.0.1:5432 (start it: pg_ctlcluster --skip-systemctl-redirect 15 main start)"
bench_java BenchDb "$PG_SERVER" "$BENCH_DB" ${BENCH_RESET:+reset}

# ---- Keycloak --------------------------------------------------------------------------------
# BENCH_KEYCLOAK_PORT: use (or start) a Keycloak on that port only, e.g. to keep away from another run's realm.
KEYCLOAK_URL=""
KEYCLOAK_PORT="${BENCH_KEYCLOAK_PORT:-18180}"
CANDIDATES="http://127.0.0.1:18180 http://127.0.0.1:8180"
[ -z "${BENCH_KEYCLOAK_PORT:-}" ] || CANDIDATES="http://127.0.0.1:$BENCH_KEYCLOAK_PORT"
for candidate in $CANDIDATES; do
  if http_ok "$candidate/realms/jury/.well-known/openid-configuration"; then KEYCLOAK_URL="$candidate"; break; fi
done
if [ -z "$KEYCLOAK_URL" ]; then
  KEYCLOAK_URL="http://127.0.0.1:$KEYCLOAK_PORT"
  KC_HOME="$ROOT/target/keycloak/keycloak-$KEYCLOAK_VERSION"
  if [ ! -x "$KC_HOME/bin/kc.sh" ]; then
    say "Keycloak: fetching keycloak-quarkus-dist $KEYCLOAK_VERSION through the Maven wrapper (cached in ~/.m2)"
    ./mvnw -B -q dependency:unpack@unpack-keycloak -Dkeycloak.unpack.dir="$ROOT/target/keycloak" >/dev/null
  fi
  mkdir -p "$KC_HOME/data/import"
  cp deploy/keycloak/jury-realm.json "$KC_HOME/data/import/jury-realm.json"
  say "Keycloak: starting on $KEYCLOAK_URL (as deploy/local/up.sh does; the first start takes about a minute)"
  KC_BOOTSTRAP_ADMIN_USERNAME=kcadmin KC_BOOTSTRAP_ADMIN_PASSWORD=kcadmin \
    nohup "$KC_HOME/bin/kc.sh" start-dev --http-host=127.0.0.1 --http-port="$KEYCLOAK_PORT" --import-realm \
    >"$OUT/keycloak.log" 2>&1 &
  STARTED_PIDS+=($!)
  wait_for 300 "Keycloak" http_ok "$KEYCLOAK_URL/realms/jury/.well-known/openid-configuration"
fi
say "Keycloak: $KEYCLOAK_URL"

# ---- Fake LLM (judge-run scenario): OpenAI-compatible, fixed latency, separate process on loopback -------------
LLM_PORT="$(free_port)"
nohup java -cp "$CLASSES" FakeLlm "$LLM_PORT" "${BENCH_FAKE_LLM_LATENCY_MS:-200}" "${BENCH_FAKE_LLM_THREADS:-128}" \
  >"$OUT/fake-llm.log" 2>&1 &
LLM_PID=$!
STARTED_PIDS+=("$LLM_PID")
wait_for 30 "fake LLM" port_open "$LLM_PORT"
JUDGE_CONCURRENCY="${BENCH_JUDGE_CONCURRENCY:-32}"

# ---- Embedding server (BENCH_EMBEDDER=1): the model in its own process (docs/deployment.md) -------------------
EMBEDDER_OPTS=""
EMBEDDER_PID=""
if [ "${BENCH_EMBEDDER:-0}" = 1 ]; then
  EMBEDDER_PORT="$(free_port)"
  JURY_EMBEDDER_TOKEN=bench-embedder-not-a-secret JURY_EMBEDDER_PORT="$EMBEDDER_PORT" nohup java -Xms16m -Xmx128m \
    -XX:+UseSerialGC -cp "$ROOT/target/quarkus-app/app/*:$ROOT/target/quarkus-app/lib/main/*" \
    dev.jury.llm.embedded.EmbedderServer >"$OUT/embedder.log" 2>&1 &
  EMBEDDER_PID=$!
  STARTED_PIDS+=("$EMBEDDER_PID")
  wait_for 60 "Embedding server" http_ok "http://127.0.0.1:$EMBEDDER_PORT/health"
  EMBEDDER_OPTS="-Djury.embeddings.url=http://127.0.0.1:$EMBEDDER_PORT -Djury.embeddings.token=bench-embedder-not-a-secret"
  say "Embedding server: http://127.0.0.1:$EMBEDDER_PORT (its own process, PID $EMBEDDER_PID)"
fi

# ---- Jury ------------------------------------------------------------------------------------
PORT="$(free_port)"
while [ "$PORT" = "$LLM_PORT" ] || port_open "$PORT"; do PORT=$((PORT + 1)); done
BASE_URL="http://127.0.0.1:$PORT"
say "Jury: starting on $BASE_URL against database $BENCH_DB"
other_port() { # a free port for another Jury: not the fake LLM's or the main Jury's, even before they listen
  local p
  p="$(free_port)"
  while [ "$p" = "$LLM_PORT" ] || [ "$p" = "$PORT" ] || port_open "$p"; do p=$((p + 1)); done
  echo "$p"
}
start_jury() { # start_jury PORT LOG — one Jury instance on the bench database; its PID in $!
  # JURY_JAVA / JURY_JAR / JURY_EXTRA_OPTS: another JVM, packaging or options (the startup scenario's AOT cache);
  # JURY_LAUNCHER: a script that takes the jar and the JVM options and execs java (deploy/fast-start.sh).
  # JURY_LAUNCHER unset: the bench's LAUNCHER; set and empty: java -jar.
  local launch=("${JURY_JAVA:-java}") jar=(-jar "${JURY_JAR:-$JAR}") launcher="${JURY_LAUNCHER-$LAUNCHER}"
  if [ -n "$launcher" ]; then
    launch=("$launcher" "${JURY_JAR:-$JAR}")
    jar=()
  fi
  # shellcheck disable=SC2086
  JURY_DB_URL="${PG_SERVER}${BENCH_DB}" nohup "${launch[@]}" ${BENCH_APP_JAVA_OPTS:--Xmx1g} ${JURY_EXTRA_OPTS:-} \
    $EMBEDDER_OPTS \
    -Dquarkus.http.port="$1" \
    -Djury.keycloak.url="$KEYCLOAK_URL" \
    -Djury.llm.providers.openai-compatible.base-url="http://127.0.0.1:$LLM_PORT/v1" \
    -Djury.llm.providers.openai-compatible.api-key=bench-not-a-secret \
    -Djury.llm.providers.openai-compatible.max-concurrency="$JUDGE_CONCURRENCY" \
    -Djury.judges.run-concurrency="$JUDGE_CONCURRENCY" \
    -Djury.online-scoring.concurrency="$JUDGE_CONCURRENCY" \
    -Djury.review.latency-histogram=true \
    "${jar[@]}" >"$2" 2>&1 &
}
start_main_jury() { # start_main_jury LOG [WHAT] — (re)starts the main Jury on $PORT: APP_PID, app.pid, waits until ready
  start_jury "$PORT" "$1"
  APP_PID=$!
  STARTED_PIDS=("$APP_PID" "${STARTED_PIDS[@]}")
  echo "$APP_PID" >"$OUT/app.pid"
  wait_for 120 "${2:-Jury}" http_ok "$BASE_URL/q/health/ready"
}
start_second_jury() { # start_second_jury LOG — a second replica on the bench database: SECOND_PORT, SECOND_URL, SECOND_PID
  SECOND_PORT="$(other_port)"
  SECOND_URL="http://127.0.0.1:$SECOND_PORT"
  say "Second Jury on $SECOND_URL"
  start_jury "$SECOND_PORT" "$1"
  SECOND_PID=$!
  STARTED_PIDS=("$SECOND_PID" "${STARTED_PIDS[@]}")
  wait_for 120 "second Jury" http_ok "$SECOND_URL/q/health/ready"
}
TOKEN="$(curl -fsS -d grant_type=password -d client_id=jury-cli -d username=admin -d password=admin \
  "$KEYCLOAK_URL/realms/jury/protocol/openid-connect/token" | sed 's/.*"access_token":"\([^"]*\)".*/\1/')"
[ -n "$TOKEN" ] || die "no token for admin from $KEYCLOAK_URL"

build_cds_archive() { # CDS_JAR: the uber-jar (target/quarkus-app-uber), its archive written by a first start through
  # deploy/fast-start.sh that also answers training_requests
  local dir="$ROOT/target/quarkus-app-uber" jar port_t pid_t
  say "Building the uber-jar and writing its class-data archive (deploy/fast-start.sh)"
  ./mvnw -B -q -o package -DskipTests -Dquarkus.package.jar.type=uber-jar \
    -Dquarkus.package.output-directory=quarkus-app-uber >/dev/null 2>&1 \
    || ./mvnw -B -q package -DskipTests -Dquarkus.package.jar.type=uber-jar \
      -Dquarkus.package.output-directory=quarkus-app-uber >/dev/null
  jar="$(ls -t "$dir"/*-runner.jar | head -1)"
  rm -f "$jar.jsa" "$jar.jsa.stamp"
  port_t="$(other_port)"
  JURY_LAUNCHER="$ROOT/deploy/fast-start.sh" JURY_JAR="$jar" start_jury "$port_t" "$OUT/app-cds-training.log"
  pid_t=$!
  STARTED_PIDS+=("$pid_t")
  wait_for 120 "Jury (class-data archive's first start)" http_ok "http://127.0.0.1:$port_t/q/health/ready"
  training_requests "http://127.0.0.1:$port_t"
  kill "$pid_t"
  wait "$pid_t" 2>/dev/null || true # the JVM writes the archive on exit
  [ -s "$jar.jsa" ] || die "the first start through deploy/fast-start.sh wrote no archive (see $OUT/app-cds-training.log)"
  CDS_JAR="$jar"
}
training_requests() { # training_requests BASE — what a start and the first minutes touch: the API with a token, the
  # review pages (a redirect to sign-in), the start page
  curl -fsS -o /dev/null -H "Authorization: Bearer $TOKEN" "$1/api/v1/experiments" || true
  # (no experiment yet when BENCH_FAST_START trains before the main start)
  [ -z "${EXPERIMENT:-}" ] \
    || curl -fsS -o /dev/null -H "Authorization: Bearer $TOKEN" "$1/api/v1/experiments/$EXPERIMENT/traces" || true
  curl -sS -o /dev/null "$1/review" || true
  curl -sS -o /dev/null "$1/" || true
}
if [ "${BENCH_FAST_START:-0}" = 1 ]; then
  build_cds_archive
  LAUNCHER="$ROOT/deploy/fast-start.sh"
  JAR="$CDS_JAR"
  say "Jury: every start goes through deploy/fast-start.sh ($JAR and its class-data archive)"
fi
start_main_jury "$OUT/app.log"

EXPERIMENT="bench-$(date +%s)"
curl -fsS -o /dev/null -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  -d "{\"name\":\"$EXPERIMENT\",\"description\":\"bench/run.sh\"}" "$BASE_URL/api/v1/experiments"
say "Seeded experiment $EXPERIMENT"

# ---- Scenarios -------------------------------------------------------------------------------
MACHINE="$(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), $(java -version 2>&1 | head -1 | tr -d '"'), PostgreSQL $(bench_java BenchDb "$PG_SERVER" "$BENCH_DB" version)"
# Where the time goes: CPU seconds used by the app JVM and by all PostgreSQL processes during each scenario.
ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
pg_ticks() { local t=0 f; for f in /proc/[0-9]*/stat; do case "$(cat "${f%stat}comm" 2>/dev/null)" in postgres*) t=$((t + $(awk '{print $14 + $15}' "$f" 2>/dev/null || echo 0)));; esac; done; echo "$t"; }
HZ="$(getconf CLK_TCK)"
echo
printf '%-22s %9s %9s %9s %9s %14s %8s\n' scenario requests "p50 ms" "p95 ms" "p99 ms" throughput errors
for scenario in $SCENARIOS; do
  [ -f "bench/scenarios/$scenario.sh" ] || die "no scenario bench/scenarios/$scenario.sh"
  # shellcheck source=/dev/null
  source "bench/scenarios/$scenario.sh"
  app0="$(ticks "$APP_PID")"; pg0="$(pg_ticks)"; wall0="$(date +%s.%N)"
  "scenario_${scenario//-/_}"
  app1="$(ticks "$APP_PID")"; pg1="$(pg_ticks)"; wall1="$(date +%s.%N)"
  cpu="$(awk -v a="$((app1 - app0))" -v p="$((pg1 - pg0))" -v hz="$HZ" -v w0="$wall0" -v w1="$wall1" \
    'BEGIN { printf "{\"app_cpu_s\": %.1f, \"postgres_cpu_s\": %.1f, \"wall_s\": %.1f}", a / hz, p / hz, w1 - w0 }')"
  printf '%-22s %s (includes generating the bodies and the warm-up)\n' "  cpu" "$cpu"
  [ -f "$OUT/$scenario.json" ] && sed -i "s/}\$/, \"cpu\": $cpu}/" "$OUT/$scenario.json"
done
{
  printf '{"machine": "%s", "started": "%s", "results": [' "$MACHINE" "$(date -u +%FT%TZ)"
  first=1
  for scenario in $SCENARIOS; do
    [ -f "$OUT/$scenario.json" ] || continue
    [ $first = 1 ] || printf ', '
    first=0
    tr -d '\n' <"$OUT/$scenario.json"
  done
  printf ']}\n'
} >"$OUT/results.json"
echo
[ -z "$EMBEDDER_PID" ] || say "Embedding server RSS at the end: $(awk '/VmRSS/{printf "%d MB", $2 / 1024}' "/proc/$EMBEDDER_PID/status")"
say "Machine: $MACHINE"
say "Results: $OUT/results.json (app log: $OUT/app.log)"
