#!/usr/bin/env bash
# Makes a machine client (OAuth 2.0 client credentials) in the API's Cognito user pool and prints its id, never its
# secret. Machine clients are made here rather than in Terraform because Terraform keeps whatever it manages in its
# state, which every plan reads; Cognito alone holds the secret, and a consumer reads it once with
# `aws cognito-idp describe-user-pool-client`. Run it with credentials that may call CreateUserPoolClient (an
# administrator, not a workflow role), then add the id to auth_machine_client_ids so the API accepts its tokens.
#   bash scripts/deploy/machine-client.sh <user-pool-id> <name> <scope>...
#   (terraform output -raw auth_user_pool_id; terraform output -json auth_scopes | jq -r '.[]')
# --dry-run prints the create-user-pool-client call instead of making it.
set -euo pipefail
run=(aws)
if [ "${1:-}" = "--dry-run" ]; then run=(echo aws); shift; fi
[ "$#" -ge 3 ] || { echo "usage: $0 [--dry-run] <user-pool-id> <name> <scope>..." >&2; exit 2; }
pool="$1" name="$2"; shift 2
[[ "$pool" =~ ^[A-Za-z0-9-]+_[0-9A-Za-z]+$ ]] || { echo "not a user pool id: ${pool}" >&2; exit 2; }
[[ "$name" =~ ^[A-Za-z0-9_.-]{1,100}$ ]] || { echo "a client name is letters, digits, '.', '_' and '-': ${name}" >&2; exit 2; }
for scope in "$@"; do
  [[ "$scope" =~ ^[A-Za-z0-9_.-]+/[A-Za-z0-9_.:-]+$ ]] || { echo "not a resource-server scope (<identifier>/<scope>): ${scope}" >&2; exit 2; }
done

# As the frontend client in terraform/modules/auth: one-hour access tokens, revocable, no user-existence leaks.
"${run[@]}" cognito-idp create-user-pool-client --user-pool-id "$pool" --client-name "$name" --generate-secret \
  --allowed-o-auth-flows-user-pool-client --allowed-o-auth-flows client_credentials --allowed-o-auth-scopes "$@" \
  --access-token-validity 60 --token-validity-units AccessToken=minutes \
  --explicit-auth-flows ALLOW_REFRESH_TOKEN_AUTH --enable-token-revocation --prevent-user-existence-errors ENABLED \
  --query UserPoolClient.ClientId --output text
