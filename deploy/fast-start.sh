#!/usr/bin/env bash
# Starts Jury from its uber-jar with a class-data archive (AppCDS), on JDK 17 or later: the first start of a build
# writes the archive when Jury stops; every later start maps the classes from it instead of loading and verifying
# ~16,000 of them from the jar. Ready in about half the time (docs/deployment.md, "Fast start"; figures in
# docs/performance.md).
#
#   ./mvnw package -DskipTests -Dquarkus.package.jar.type=uber-jar     # target/jury-<version>-runner.jar
#   deploy/fast-start.sh [JAR] [java options…]                          # e.g. -Dquarkus.http.port=8080
#
# JAR defaults to the newest target/*-runner.jar. The archive is JAR.jsa (JURY_CDS_ARCHIVE overrides); it belongs
# to exactly that jar and that JDK, which the stamp next to it (ARCHIVE.stamp) records: after a new build or another
# JDK the next start writes it again. The options of deploy/jvm.options come first, yours after them (a later option
# wins). Configuration is the same as for any start (JURY_DB_URL, JURY_KEYCLOAK_URL, …: docs/configuration.md).
#
# The archive is written on a normal stop (SIGTERM, Ctrl-C), not after kill -9; a start that finds none simply
# writes one again. A stale or unreadable archive is never used: the JVM checks the jar's size and time itself and
# then starts without it — slower, never wrong.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"

if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
  JAR="$1"
  shift
else
  JAR="$(ls -t "$ROOT"/target/*-runner.jar 2>/dev/null | head -1 || true)"
fi
if [ -z "$JAR" ] || [ ! -f "$JAR" ]; then
  echo "fast-start.sh: no uber-jar${JAR:+ at $JAR}; build it with:" >&2
  echo "  ./mvnw package -DskipTests -Dquarkus.package.jar.type=uber-jar" >&2
  exit 2
fi
ARCHIVE="${JURY_CDS_ARCHIVE:-$JAR.jsa}"

# A class file load hook — a Java agent (-javaagent, -agentlib, -agentpath: an APM or OpenTelemetry agent, say) or
# JFR started with the JVM (-XX:StartFlightRecording) — crashes OpenJDK 17 (17.0.15) together with the archive as
# soon as the first archived class loads (SIGSEGV in KlassFactory::check_shared_class_file_load_hook). With one of
# them, in the options, deploy/jvm.options or JAVA_TOOL_OPTIONS / JDK_JAVA_OPTIONS, Jury starts without the archive.
# (JFR started later, jcmd PID JFR.start, is fine.)
# shellcheck disable=SC2086 # the environment variables hold options separated by spaces
for option in "$@" $(grep -v '^#' "$ROOT/deploy/jvm.options") ${JAVA_TOOL_OPTIONS:-} ${JDK_JAVA_OPTIONS:-}; do
  case "$option" in
    -javaagent:* | -agentlib:* | -agentpath:*) hook="${option%%:*}" ;;
    -XX:StartFlightRecording*) hook=-XX:StartFlightRecording ;;
    *) continue ;;
  esac
  echo "fast-start.sh: $hook and the class-data archive crash the JVM; starting without the archive" >&2
  exec "$JAVA" @"$ROOT/deploy/jvm.options" "$@" -jar "$JAR"
done

# What the archive was written for: this JDK (its full version line) and this jar (size and time).
stamp="$("$JAVA" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.\(vm\.version\|home\) = //p' | tr '\n' ' ')"
stamp="$stamp$(stat -c '%s %Y' "$JAR")"

if [ -s "$ARCHIVE" ] && [ "$(cat "$ARCHIVE.stamp" 2>/dev/null)" = "$stamp" ]; then
  cds=(-XX:SharedArchiveFile="$ARCHIVE")
else
  echo "fast-start.sh: no class-data archive for this jar and JDK yet; this start writes $ARCHIVE when Jury stops" >&2
  rm -f "$ARCHIVE" "$ARCHIVE.stamp"
  printf '%s' "$stamp" >"$ARCHIVE.stamp"
  # -Xlog:cds=off: while writing, the JVM lists the classes it leaves out (generated proxies, old class files)
  cds=(-XX:ArchiveClassesAtExit="$ARCHIVE" -Xlog:cds=off -Xlog:cds+dynamic=off)
fi
exec "$JAVA" "${cds[@]}" @"$ROOT/deploy/jvm.options" "$@" -jar "$JAR"
