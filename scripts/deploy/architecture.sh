#!/usr/bin/env bash
# Prints the CPU architecture Terraform gives the task and the Lambda (variable cpu_architecture: the
# environment's tfvars value, else the default in terraform/variables.tf), as GitHub outputs for the
# image build: the runner label to build on natively (no QEMU) and the docker platform.
#   bash scripts/deploy/architecture.sh [env]   # env: prod (default) or dev
set -euo pipefail
cd "$(dirname "$0")/../.."
env="${1:-prod}"
value() { sed -nE 's/^[[:space:]]*cpu_architecture[[:space:]]*=[[:space:]]*"([a-z0-9_]+)".*/\1/p' "$1" | head -n1; }
arch="$(value "terraform/envs/${env}.tfvars")"
if [ -z "$arch" ]; then
  arch="$(awk '/^variable "cpu_architecture"/{f=1} f&&/default/{print; exit}' terraform/variables.tf | sed -nE 's/.*"([a-z0-9_]+)".*/\1/p')"
fi
case "$arch" in
  arm64) echo "arch=arm64"; echo "platform=linux/arm64"; echo "runner=ubuntu-24.04-arm" ;;
  x86_64) echo "arch=x86_64"; echo "platform=linux/amd64"; echo "runner=ubuntu-24.04" ;;
  *) echo "cpu_architecture not found or unknown: '${arch}'" >&2; exit 1 ;;
esac
