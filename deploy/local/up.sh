#!/usr/bin/env bash
# Starts Jury locally with everything it needs: PostgreSQL, Keycloak (demo realm and users), the app.
# Idempotent: what already runs is left alone. deploy/local/down.sh stops only what this script started.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
STATE="$ROOT/target/local"
mkdir -p "$STATE"

KEYCLOAK_VERSION="$(sed -n 's:.*<keycloak.version>\(.*\)</keycloak.version>.*:\1:p' pom.xml | head -1)"
KEYCLOAK_PORT="${JURY_KEYCLOAK_PORT:-8180}"
KEYCLOAK_URL="http://127.0.0.1:${KEYCLOAK_PORT}"
JURY_PORT="${JURY_PORT:-8080}"
EMBEDDED_PG_PORT="${JURY_EMBEDDED_PG_PORT:-5433}"
PGDATA_DIR="${JURY_PGDATA:-$HOME/.jury/pgdata}"

say() { printf '\033[1m==>\033[0m %s\n' "$*"; }
die() { printf '\033[31merror:\033[0m %s\n' "$*" >&2; exit 1; }
alive() { [ -f "$STATE/$1.pid" ] && kill -0 "$(cat "$STATE/$1.pid")" 2>/dev/null; }
http_ok() { curl -fsS -o /dev/null --max-time 2 "$1" 2>/dev/null; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_for() { # wait_for SECONDS DESCRIPTION COMMAND...
  local seconds=$1 what=$2; shift 2
  for _ in $(seq "$seconds"); do "$@" && return 0; sleep 1; done
  die "$what did not come up within ${seconds}s (logs in $STATE)"
}

command -v java >/dev/null || die "a JDK 17+ is required (java not found)"
command -v curl >/dev/null || die "curl is required"

helper_classpath() { # the JDBC driver and zonky embedded-postgres, resolved from Maven Central once
  if [ ! -s "$STATE/local-pg.cp" ]; then
    ./mvnw -B -q -Pembedded-pg dependency:build-classpath -Dmdep.outputFile="$STATE/local-pg.cp" -Dmdep.includeScope=runtime >/dev/null
  fi
  cat "$STATE/local-pg.cp"
}

# ---- PostgreSQL ------------------------------------------------------------------------------
if [ -n "${JURY_DB_URL:-}" ]; then
  say "PostgreSQL: using JURY_DB_URL=$JURY_DB_URL"
else
  if ! port_open 5432 && command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    version="$(ls /etc/postgresql | sort -V | tail -1)"
    say "PostgreSQL: starting the local cluster $version/main"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    wait_for 30 "PostgreSQL" port_open 5432
  fi
  if port_open 5432; then
    say "PostgreSQL: 127.0.0.1:5432"
    java -cp "$(helper_classpath)" deploy/local/LocalPostgres.java ensure-db "jdbc:postgresql://127.0.0.1:5432/" jury
    export JURY_DB_URL="jdbc:postgresql://127.0.0.1:5432/jury"
  else
    if ! alive embedded-pg; then
      say "PostgreSQL: none reachable; starting an embedded PostgreSQL 17 (data in $PGDATA_DIR)"
      nohup java -cp "$(helper_classpath)" deploy/local/LocalPostgres.java embedded "$PGDATA_DIR" "$EMBEDDED_PG_PORT" jury \
        >"$STATE/embedded-pg.log" 2>&1 &
      echo $! >"$STATE/embedded-pg.pid"
      wait_for 120 "embedded PostgreSQL" grep -q "embedded PostgreSQL ready" "$STATE/embedded-pg.log"
    fi
    export JURY_DB_URL="jdbc:postgresql://127.0.0.1:${EMBEDDED_PG_PORT}/jury"
  fi
fi

# ---- Keycloak --------------------------------------------------------------------------------
if http_ok "$KEYCLOAK_URL/realms/jury/.well-known/openid-configuration"; then
  say "Keycloak: realm 'jury' already answers on $KEYCLOAK_URL"
else
  KC_HOME="$ROOT/target/keycloak/keycloak-$KEYCLOAK_VERSION"
  if [ ! -x "$KC_HOME/bin/kc.sh" ]; then
    say "Keycloak: fetching keycloak-quarkus-dist $KEYCLOAK_VERSION through the Maven wrapper (cached in ~/.m2)"
    ./mvnw -B -q dependency:unpack@unpack-keycloak -Dkeycloak.unpack.dir="$ROOT/target/keycloak" >/dev/null
  fi
  mkdir -p "$KC_HOME/data/import"
  cp deploy/keycloak/jury-realm.json "$KC_HOME/data/import/jury-realm.json"
  say "Keycloak: starting on $KEYCLOAK_URL (the first start builds Keycloak, about a minute)"
  KC_BOOTSTRAP_ADMIN_USERNAME="${JURY_KC_ADMIN_USER:-kcadmin}" KC_BOOTSTRAP_ADMIN_PASSWORD="${JURY_KC_ADMIN_PASSWORD:-kcadmin}" \
    nohup "$KC_HOME/bin/kc.sh" start-dev --http-host=127.0.0.1 --http-port="$KEYCLOAK_PORT" --import-realm \
    >"$STATE/keycloak.log" 2>&1 &
  echo $! >"$STATE/keycloak.pid"
  wait_for 300 "Keycloak" http_ok "$KEYCLOAK_URL/realms/jury/.well-known/openid-configuration"
fi

# ---- Jury ------------------------------------------------------------------------------------
if alive jury && http_ok "http://localhost:$JURY_PORT/q/health/ready"; then
  say "Jury: already running"
else
  JAR="$ROOT/target/quarkus-app/quarkus-run.jar"
  if [ ! -f "$JAR" ] || [ -n "$(find src pom.xml -newer "$JAR" -print -quit)" ]; then
    say "Jury: building (./mvnw package -DskipTests)"
    ./mvnw -B -q package -DskipTests
  fi
  say "Jury: starting on http://localhost:$JURY_PORT"
  JURY_DB_URL="$JURY_DB_URL" MALLOC_ARENA_MAX=2 nohup java @deploy/jvm.options -Dquarkus.profile=demo \
    -Dquarkus.http.port="$JURY_PORT" \
    -Djury.keycloak.url="$KEYCLOAK_URL" -jar "$JAR" >"$STATE/jury.log" 2>&1 &
  echo $! >"$STATE/jury.pid"
  wait_for 120 "Jury" http_ok "http://localhost:$JURY_PORT/q/health/ready"
  # The demo's review queue is made last, after the offline judge's first runs (background jobs, ≈ 20 s on a
  # fresh database): wait for it, so that "ready" below means the reviewers' queue is there too.
  say "Demo data: waiting for the offline judge's first runs and the review queue"
  for _ in $(seq 300); do
    grep -qE "Demo: created the review queue|Demo data already loaded" "$STATE/jury.log" && break
    alive jury || die "Jury stopped while loading the demo data (log: $STATE/jury.log)"
    sleep 1
  done
  grep -qE "Demo: created the review queue|Demo data already loaded" "$STATE/jury.log" \
    || say "Demo data: still loading after 5 minutes; the review queue appears when its judge runs finish"
fi

cat <<EOT

  Jury is ready:      http://localhost:$JURY_PORT
  Keycloak (realm):   $KEYCLOAK_URL/realms/jury   (Keycloak admin console: kcadmin / kcadmin)

  Demo logins (password = username):
    admin              admin and reviewer
    alice, bob, carol  reviewers

  API token:  curl -s -d grant_type=password -d client_id=jury-cli -d username=admin -d password=admin \\
                $KEYCLOAK_URL/realms/jury/protocol/openid-connect/token
  Logs in target/local/.  Stop with: deploy/local/down.sh
EOT
