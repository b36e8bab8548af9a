# Scenario: the latency a judge's labelled memory adds to each call — recalling the k = 5 nearest of
# BENCH_MEMORY_EXAMPLES (10,000) examples, in-process against Jury's own classes (target: p99 < 5 ms; issue 11).
# Sourced by bench/run.sh; needs no running app, only the built classes and Jackson.
scenario_memory_recall() {
  local cp="$CLASSES:$ROOT/target/classes"
  for jar in "$ROOT"/target/quarkus-app/lib/main/com.fasterxml.jackson.core.jackson-*.jar; do cp="$cp:$jar"; done
  javac -q -d "$OUT/memory-recall-classes" -cp "$cp" bench/memory/MemoryRecallBench.java bench/java/Stats.java 2>/dev/null \
    || javac -d "$OUT/memory-recall-classes" -cp "$cp" bench/memory/MemoryRecallBench.java bench/java/Stats.java
  java -Xmx1g -cp "$OUT/memory-recall-classes:$cp" MemoryRecallBench "${BENCH_MEMORY_EXAMPLES:-10000}" \
    "${BENCH_MEMORY_QUERIES:-20000}" 5 "$OUT/memory-recall.json"
}
