#!/usr/bin/env bash
# Prints a bearer token for the deploy smoke tests: the machine client's credentials from Secrets Manager
# (Terraform output auth_machine_secret_arn), exchanged at the Cognito token endpoint (client credentials).
# The token is masked in GitHub's log. With no secret ARN (an external issuer), prints nothing.
#   PICUS_TOKEN=$(bash scripts/deploy/smoke-token.sh "$SMOKE_CLIENT_SECRET_ARN")
set -euo pipefail
arn="${1:-}"
[ -n "$arn" ] || exit 0
secret=$(aws secretsmanager get-secret-value --secret-id "$arn" --query SecretString --output text)
token=$(curl -fsS -u "$(jq -r .client_id <<<"$secret"):$(jq -r .client_secret <<<"$secret")" \
  -d grant_type=client_credentials --data-urlencode "scope=$(jq -r .scope <<<"$secret")" "$(jq -r .token_endpoint <<<"$secret")" | jq -r .access_token)
[ -n "$token" ] && [ "$token" != "null" ] || { echo "no token from the token endpoint" >&2; exit 1; }
[ -n "${GITHUB_ACTIONS:-}" ] && echo "::add-mask::${token}" >&2
echo "$token"
