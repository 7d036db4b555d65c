#!/usr/bin/env bash
# DynamoDB Local, the official emulator, fetched from Maven Central (scripts/dynamodb-local/pom.xml)
# into .tools/dynamodb-local and run in memory with Java 17+.
#
#   scripts/dynamodb-local.sh fetch          download the jars once (about 50 MB)
#   scripts/dynamodb-local.sh start [PORT]   fetch if needed, start in the background, wait until it answers;
#                                            prints the endpoint; the pid is in .tools/dynamodb-local/pid
#   scripts/dynamodb-local.sh stop
#   scripts/dynamodb-local.sh test [JEST ARGS]
#                                            the integration and reliability suites against a fresh DynamoDB Local
#                                            (npm run test:dynamodb-local); the outage test is left out, since
#                                            it stops and restarts a dynalite process of its own
set -euo pipefail
cd "$(dirname "$0")/.."
home=.tools/dynamodb-local

fetch() {
  [ -f "$home/lib/DynamoDBLocal-2.6.1.jar" ] && return 0
  command -v mvn >/dev/null || { echo "dynamodb-local: mvn not found" >&2; return 1; }
  mvn -B -q -Dstyle.color=never -f scripts/dynamodb-local/pom.xml dependency:copy-dependencies -DoutputDirectory="$PWD/$home/lib" >&2
}

start() {
  local port="${1:-8765}"
  fetch
  # sqlite4java finds its native library through java.library.path; the jars sit beside it.
  # A process group of its own (setsid), stopped whole by stop().
  setsid java -Djava.library.path="$home/lib" -cp "$home/lib/*" \
    com.amazonaws.services.dynamodbv2.local.main.ServerRunner -inMemory -disableTelemetry -port "$port" \
    >"$home/server.log" 2>&1 &
  echo $! >"$home/pid"
  for _ in $(seq 1 100); do
    # Any HTTP answer (DynamoDB Local says 400 to a bare GET) means it is up.
    if curl -s -o /dev/null "http://127.0.0.1:$port"; then
      echo "http://127.0.0.1:$port"
      return 0
    fi
    kill -0 "$(cat "$home/pid")" 2>/dev/null || break
    sleep 0.2
  done
  echo "dynamodb-local: did not start; see $home/server.log" >&2
  cat "$home/server.log" >&2
  return 1
}

stop() {
  [ -f "$home/pid" ] && kill -- "-$(cat "$home/pid")" 2>/dev/null || true
  rm -f "$home/pid"
}

run_tests() {
  local port endpoint
  port="$(node scripts/free-port.js)"
  endpoint="$(start "$port")"
  trap stop EXIT
  echo "dynamodb-local: $(java -version 2>&1 | head -1) at $endpoint" >&2
  TEST_DYNAMODB_ENDPOINT="$endpoint" npx jest --selectProjects integration reliability \
    --testPathIgnorePatterns 'dynamodb-outage' 'embedded-dynamo' "$@"
}

cmd="${1:-}"
shift || true
case "$cmd" in
  fetch) fetch ;;
  start) start "${1:-}" ;;
  stop) stop ;;
  test) run_tests "$@" ;;
  *) echo "usage: $0 fetch|start [port]|stop|test [jest args]" >&2; exit 2 ;;
esac
