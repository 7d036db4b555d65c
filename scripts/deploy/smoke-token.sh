#!/usr/bin/env bash
# Prints a bearer token for the deploy smoke tests: the smoke-test machine client is read from Cognito
# (DescribeUserPoolClient, which the deploy role may call on this pool only) and exchanged at the token endpoint
# (client credentials) for every scope the client holds. Its secret lives in Cognito alone: in no Terraform state,
# no Secrets Manager secret, no GitHub secret. Token and secret are masked in GitHub's log.
#   PICUS_TOKEN=$(bash scripts/deploy/smoke-token.sh "$SMOKE_USER_POOL_ID" "$SMOKE_CLIENT_ID" "$AUTH_TOKEN_ENDPOINT")
# With no user pool (an external issuer), prints nothing. With a pool but no client, fails: the smoke test would
# otherwise run without a token and roll back a good deploy.
set -euo pipefail
pool="${1:-}" client="${2:-}" endpoint="${3:-}"
[ -n "$pool" ] || exit 0
if [ -z "$client" ] || [ -z "$endpoint" ]; then
  echo "SMOKE_USER_POOL_ID is set but SMOKE_CLIENT_ID or AUTH_TOKEN_ENDPOINT is not: make the smoke-test client (docs/deploy.md, step 5)" >&2
  exit 1
fi
mask() { [ -z "${GITHUB_ACTIONS:-}" ] || echo "::add-mask::$1" >&2; }

described=$(aws cognito-idp describe-user-pool-client --user-pool-id "$pool" --client-id "$client" --output json)
secret=$(jq -r '.UserPoolClient.ClientSecret // empty' <<<"$described")
[ -n "$secret" ] || { echo "client ${client} has no secret: a machine client is made by scripts/deploy/machine-client.sh" >&2; exit 1; }
mask "$secret"
scope=$(jq -r '(.UserPoolClient.AllowedOAuthScopes // []) | join(" ")' <<<"$described")

token=$(curl -fsS -u "${client}:${secret}" -d grant_type=client_credentials --data-urlencode "scope=${scope}" "$endpoint" | jq -r '.access_token // empty')
[ -n "$token" ] || { echo "no token from the token endpoint" >&2; exit 1; }
mask "$token"
echo "$token"
