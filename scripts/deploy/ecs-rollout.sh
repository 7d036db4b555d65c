#!/usr/bin/env bash
# What became of an ECS rolling deploy. `aws ecs wait services-stable` also succeeds after the circuit breaker
# rolled the service back to the old task definition; a deploy has succeeded only when the PRIMARY deployment
# runs the new task definition with rolloutState COMPLETED and no other deployment is left.
#   ecs-rollout.sh state <task-definition-arn> < describe-services.json   -> COMPLETED | IN_PROGRESS | FAILED: why
#   ecs-rollout.sh wait <cluster> <service> <task-definition-arn> [timeout-seconds, default 1500]
set -euo pipefail

state() {
  jq -r --arg want "$1" '
    .services[0] as $s
    | ($s.deployments // []) as $d
    | ($d | map(select(.status == "PRIMARY")) | first) as $p
    | if $s == null then "FAILED: no such service"
      elif $p == null then "FAILED: no PRIMARY deployment"
      elif $p.taskDefinition != $want then "FAILED: rolled back, PRIMARY runs \($p.taskDefinition) (\($p.rolloutStateReason // "circuit breaker"))"
      elif $p.rolloutState == "FAILED" then "FAILED: \($p.rolloutStateReason // "rollout failed")"
      elif $p.rolloutState == "COMPLETED" and ($d | length) == 1 then "COMPLETED"
      else "IN_PROGRESS" end'
}

wait_for() {
  local cluster="$1" service="$2" want="$3" timeout="${4:-1500}" started now json result
  started=$(date +%s)
  while :; do
    json=$(aws ecs describe-services --cluster "$cluster" --services "$service" --output json)
    result=$(state "$want" <<<"$json")
    now=$(date +%s)
    echo "$(date -u +%H:%M:%S) ${result}"
    case "$result" in
      COMPLETED) return 0 ;;
      FAILED*)
        echo "recent service events:"; jq -r '.services[0].events[:10][] | "  \(.createdAt) \(.message)"' <<<"$json"
        return 1 ;;
    esac
    if [ $((now - started)) -ge "$timeout" ]; then echo "FAILED: not COMPLETED after ${timeout} s"; return 1; fi
    sleep 15
  done
}

case "${1:-}" in
  state) state "$2" ;;
  wait) shift; wait_for "$@" ;;
  *) echo "usage: $0 state <arn> < json | wait <cluster> <service> <arn> [timeout]" >&2; exit 2 ;;
esac
