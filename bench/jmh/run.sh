#!/usr/bin/env bash
# Lookup table, access(5), RCPT restriction-list and delivery-line (DelayLine) microbenchmarks (JMH), one thread and two,
# then the load time and heap per entry of a 1,000,000-entry hash: table. Prints JMH's table of ns/op.
#   bench/jmh/run.sh [WARMUPS] [ITERATIONS] [BENCHMARK-REGEX]    (defaults 5 5 all)
#   bench/jmh/run.sh 2 3 RcptRestrictions                        (one class)
set -euo pipefail
cd "$(dirname "$0")/../.."
mvn -B -q -DskipTests -pl bench/jmh -am package
jar=bench/jmh/target/benchmarks.jar
for threads in 1 2; do
    echo "== $threads thread(s)"
    java -jar "$jar" -f 1 -wi "${1:-5}" -w 1s -i "${2:-5}" -r 1s -t "$threads" -foe true ${3:-} 2>&1 \
        | sed -n '/^Benchmark/,$p'
done
java -Xmx2g -cp "$jar" dev.postern.bench.TableFootprint
