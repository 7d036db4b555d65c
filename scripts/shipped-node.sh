#!/usr/bin/env bash
# Prints a folder whose bin/ holds the Node.js the project ships (.nvmrc: the image's FROM and the Lambda's runtime
# major): the one on PATH when it is that version, else the official Linux binary from the npm registry (package
# node-linux-<arch>, published by the Node.js project), unpacked once into .tools/. Needs npm and tar.
#   export PATH="$(bash scripts/shipped-node.sh)/bin:$PATH"
set -euo pipefail
cd "$(dirname "$0")/.."
want="$(tr -d '[:space:]' < .nvmrc)"
if [ "$(node --version 2>/dev/null || true)" = "v${want}" ]; then
  dirname "$(dirname "$(command -v node)")"
  exit 0
fi
case "$(uname -m)" in
  x86_64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) echo "shipped-node: no official Node.js package for $(uname -m)" >&2; exit 1 ;;
esac
dir="${PWD}/.tools/node-v${want}-linux-${arch}"
if [ ! -x "${dir}/bin/node" ]; then
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack --silent "node-linux-${arch}@${want}" >/dev/null)
  tar -xzf "$tmp"/node-linux-*.tgz -C "$tmp"
  mkdir -p "$(dirname "$dir")"
  rm -rf "$dir"
  mv "$tmp/package" "$dir"
fi
[ "$("${dir}/bin/node" --version)" = "v${want}" ] || { echo "shipped-node: ${dir}/bin/node is not v${want}" >&2; exit 1; }
echo "$dir"
