#!/usr/bin/env bash
# A real Neo4j 5 (Neo4j's own test harness) for semcrm development and CI.
#
#   tools/neo4j/neo4j.sh build    build tools/neo4j/target/semcrm-neo4j.jar (mvn; first run downloads)
#   tools/neo4j/neo4j.sh start    build if needed, start in the background, wait until Bolt
#                                 answers, print bolt://127.0.0.1:PORT as the last line
#   tools/neo4j/neo4j.sh stop     stop it (SIGTERM, a clean shutdown) and remove the pid file
#   tools/neo4j/neo4j.sh uri      print the URI of the running server
#
# Environment: NEO4J_PORT (default 7687; 0 = any free port), NEO4J_DIR (default .neo4j:
# data in $NEO4J_DIR/data, log in $NEO4J_DIR/neo4j.log, pid in $NEO4J_DIR/neo4j.pid),
# NEO4J_HEAP (default 1g), NEO4J_PAGECACHE (default 256m), JAVA (default java).
# Authentication is disabled; the server listens on 127.0.0.1 only.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
JAR="$HERE/target/semcrm-neo4j.jar"
PORT="${NEO4J_PORT:-7687}"
DIR="${NEO4J_DIR:-$ROOT/.neo4j}"
HEAP="${NEO4J_HEAP:-1g}"
PAGECACHE="${NEO4J_PAGECACHE:-256m}"
JAVA="${JAVA:-java}"
PID_FILE="$DIR/neo4j.pid"
LOG="$DIR/neo4j.log"
URI_FILE="$DIR/neo4j.uri"

die() { echo "neo4j.sh: $*" >&2; exit 1; }

running() { [[ -f "$PID_FILE" ]] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null; }

build() {
    if [[ -f "$JAR" && "$JAR" -nt "$HERE/pom.xml" && "$JAR" -nt "$HERE/src/main/java/dev/semcrm/neo4j/Launcher.java" ]]; then
        return 0
    fi
    command -v mvn >/dev/null || die "Maven (mvn) is needed to build the launcher: apt-get install maven"
    command -v "$JAVA" >/dev/null || die "Java 17 or 21 is needed to run Neo4j 5: apt-get install openjdk-17-jre-headless"
    echo "neo4j.sh: building the launcher (the first build downloads Neo4j from Maven Central)" >&2
    mvn -q -B -f "$HERE/pom.xml" package >&2 \
        || die "building tools/neo4j failed (is Maven Central reachable?); see the Maven output above"
}

bolt_answers() {
    # A real Bolt handshake with the Python driver when the virtualenv exists.
    local python="$ROOT/.venv/bin/python"
    [[ -x "$python" ]] || return 0
    "$python" - "$1" <<'EOF' >/dev/null 2>&1
import sys
from neo4j import GraphDatabase
with GraphDatabase.driver(sys.argv[1], auth=None) as driver:
    driver.verify_connectivity()
EOF
}

start() {
    if running; then
        echo "neo4j.sh: already running (pid $(cat "$PID_FILE"))" >&2
        cat "$URI_FILE"
        return 0
    fi
    build
    mkdir -p "$DIR"
    # the folder ignores itself, so no data or log ever reaches git
    [[ -f "$DIR/.gitignore" ]] || echo "*" > "$DIR/.gitignore"
    rm -f "$URI_FILE"
    nohup "$JAVA" "-Xmx$HEAP" -XX:+UseG1GC -jar "$JAR" --port "$PORT" --data "$DIR/data" \
        --pagecache "$PAGECACHE" > "$LOG" 2>&1 < /dev/null &
    echo $! > "$PID_FILE"
    local uri=""
    for _ in $(seq 1 360); do
        if ! running; then
            tail -n 30 "$LOG" >&2
            rm -f "$PID_FILE"
            die "Neo4j exited during start-up (log above, whole log in $LOG)"
        fi
        uri="$(grep -m1 -o 'bolt://127\.0\.0\.1:[0-9]*' "$LOG" || true)"
        if [[ -n "$uri" ]] && bolt_answers "$uri"; then
            echo "$uri" > "$URI_FILE"
            echo "neo4j.sh: Neo4j is up (pid $(cat "$PID_FILE"), data in $DIR/data, log $LOG)" >&2
            echo "$uri"
            return 0
        fi
        sleep 0.5
    done
    stop >/dev/null 2>&1 || true
    die "Neo4j did not answer on Bolt within 180 s; see $LOG"
}

stop() {
    if ! running; then
        rm -f "$PID_FILE" "$URI_FILE"
        echo "neo4j.sh: not running" >&2
        return 0
    fi
    local pid
    pid="$(cat "$PID_FILE")"
    kill -TERM "$pid"
    for _ in $(seq 1 120); do
        kill -0 "$pid" 2>/dev/null || { rm -f "$PID_FILE" "$URI_FILE"; echo "neo4j.sh: stopped" >&2; return 0; }
        sleep 0.5
    done
    echo "neo4j.sh: Neo4j (pid $pid) did not stop within 60 s; killing it" >&2
    kill -KILL "$pid" 2>/dev/null || true
    rm -f "$PID_FILE" "$URI_FILE"
}

case "${1:-}" in
    build) build ;;
    start) start ;;
    stop) stop ;;
    uri) running && cat "$URI_FILE" || die "not running; start it with make neo4j" ;;
    *) echo "usage: $0 build|start|stop|uri" >&2; exit 2 ;;
esac
