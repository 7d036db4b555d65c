#!/usr/bin/env bash
# Prints the image tag of the service at HEAD: a hash of exactly the files the Dockerfile reads (its
# .dockerignore whitelist, and the Dockerfile itself). The same sources give the same tag, so a re-run or a
# change elsewhere in the repository finds the image in ECR and builds nothing; ECR's immutable tags then
# guarantee a tag always means the same bytes. test/unit/workflows.test.ts keeps this list equal to .dockerignore.
set -euo pipefail
cd "$(dirname "$0")/../.."
IMAGE_INPUTS=(Dockerfile .dockerignore package.json package-lock.json tsconfig.json tsconfig.build.json codegen.yml schema openapi types scripts app lambda)
if [ "${1:-}" = "--inputs" ]; then printf '%s\n' "${IMAGE_INPUTS[@]}"; exit 0; fi
echo "src-$(git ls-tree -r HEAD -- "${IMAGE_INPUTS[@]}" | sha256sum | cut -c1-24)"
