#!/usr/bin/env bash
# Outside fuzzers on both APIs: schemathesis (test/schemathesis/requirements.txt, into .venv-schemathesis) against
# the whole local system as npm start runs it (in memory, free ports, tokens from its issuer), through the local ALB:
#   REST from /openapi.json, every check, with the stateful phase (links from POST /picus/put to get/replace/delete);
#   GraphQL from /graphql, with strategies for its JSONObject and DateTime scalars (test/schemathesis/hooks.py).
# A fixed seed and a bounded number of examples keep it to a few minutes. Prints the counts; exits non-zero on a failure.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.venv-schemathesis
[ -x "$venv/bin/schemathesis" ] || { python3 -m venv "$venv" && "$venv/bin/pip" install --quiet --disable-pip-version-check -r test/schemathesis/requirements.txt; }

# The local system runs on the Node.js the project ships (.ci/run puts it first on PATH): say which, and refuse another major.
echo "schemathesis: the local system on node $(node --version)"
[ "$(node -p 'process.versions.node.split(".")[0]')" = "$(cut -d. -f1 .nvmrc)" ] || { echo "schemathesis: not the Node.js major of .nvmrc"; exit 1; }
port() { node scripts/free-port.js; }
alb=$(port); service=$(port); issuer=$(port)
log=$(mktemp)
# In a process group of its own (setsid), stopped whole on exit: nothing it started outlives the script.
PICUS_DATA_DIR=memory ALB_PORT=$alb PORT=$service ISSUER_PORT=$issuer LOG_LEVEL=warn setsid node --import tsx local/start.ts >"$log" 2>&1 &
pid=$!
trap 'kill -- -$pid 2>/dev/null; wait $pid 2>/dev/null; rm -f "$log"' EXIT
for _ in $(seq 1 150); do grep -q 'Picus is running' "$log" && break; sleep 0.2; done
# Piped, npm start prints no token (only how to mint one): mint one from its issuer, as its banner says.
token=$(curl -s -u picus-local:picus-local-secret -d grant_type=client_credentials "http://127.0.0.1:${issuer}/token" | sed -nE 's/.*"access_token":"([A-Za-z0-9._-]+)".*/\1/p')
[ -n "$token" ] || { cat "$log"; echo "the local system did not start"; exit 1; }
base="http://localhost:${alb}"
# The stdlib has a module named test: load the hooks by their folder.
export PYTHONPATH="${PWD}/test/schemathesis" SCHEMATHESIS_HOOKS=hooks

status=0
echo "schemathesis: REST (${base}/openapi.json)"
"$venv/bin/schemathesis" --config-file test/schemathesis/schemathesis.toml run "${base}/openapi.json" --url "$base" \
  -H "Authorization: Bearer ${token}" --checks all --seed 20261201 --max-examples "${SCHEMATHESIS_EXAMPLES:-40}" --no-color || status=1
echo "schemathesis: GraphQL (${base}/graphql)"
# Two checks off, by name, where the tool's opinion differs from choices made on purpose:
#   not_a_server_error counts every resolver error as a server failure, while this API answers a missing item
#     (NOT_FOUND), a stale version (CONFLICT), a missing scope (FORBIDDEN) and bad input (VALIDATION_FAILED) as
#     GraphQL errors with a code; hooks.py's no_internal_error takes its place (no 5xx, no INTERNAL_SERVER_ERROR).
#   positive_data_acceptance calls a refused schema-valid query a failure, but `first` (1-1000), the 1000 ids of
#     itemsByIds and the query cost cap of 5000 are limits GraphQL's type system cannot express.
"$venv/bin/schemathesis" run "${base}/graphql" -H "Authorization: Bearer ${token}" \
  --checks all --exclude-checks not_a_server_error,positive_data_acceptance --seed 20261201 --max-examples "${SCHEMATHESIS_EXAMPLES:-40}" --no-color || status=1
exit $status
