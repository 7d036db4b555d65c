#!/usr/bin/env bash
# Fails closed unless a GitHub environment protects what its jobs do: at least one required reviewer, and deployment
# branches limited (a policy set). Required reviewers exist for public repositories, and for private ones only on
# plans that include them (GitHub docs, "Managing environments for deployment"); where they do not, the environment
# holds no one back and the job it guards must not run as if it did.
#   bash scripts/deploy/environment-protected.sh <environment>                    (GH_TOKEN, GITHUB_REPOSITORY; actions: read)
#   bash scripts/deploy/environment-protected.sh <environment> - < environment.json  (judges a given API answer)
set -euo pipefail
name="${1:?environment name}"
if [ "${2:-}" = "-" ]; then json=$(cat); else json=$(gh api "repos/${GITHUB_REPOSITORY}/environments/${name}"); fi
reviewers=$(jq '[.protection_rules[]? | select(.type == "required_reviewers") | (.reviewers // [])[]] | length' <<<"$json")
branches=$(jq -r 'if .deployment_branch_policy == null then "any" else "limited" end' <<<"$json")
if [ "$reviewers" -lt 1 ]; then
  echo "::error::environment ${name} has no required reviewer: this job would change production unreviewed (docs/deploy.md, step 4)"
  exit 1
fi
if [ "$branches" != "limited" ]; then
  echo "::error::environment ${name} lets any branch deploy: limit its deployment branches to main (docs/deploy.md, step 4)"
  exit 1
fi
echo "environment ${name}: ${reviewers} required reviewer(s), deployment branches limited"
