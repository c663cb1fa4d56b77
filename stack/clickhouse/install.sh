#!/usr/bin/env bash
# Install the local stack's ClickHouse: the ClickHouse 26.x engine of chDB (libchdb.so from the
# npm package @chdb/lib-linux-x64-gnu, pinned in package.json and installed by `npm ci`), run as
# a server by chdb-server, a small launcher compiled here from stack/clickhouse/chdb-server.c
# into ${STACK_DIR}/clickhouse/bin/. No Docker, no apt ClickHouse.
#
# Idempotent: exits at once when the launcher is newer than its source. Needs a C compiler
# (cc, gcc or clang); on a machine without one it installs Debian's gcc with apt-get.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "${SCRIPT_DIR}/../.." && pwd)"
STACK_DIR="${STACK_DIR:-${REPO_ROOT}/.stack}"

PACKAGE_DIR="${REPO_ROOT}/node_modules/@chdb/lib-linux-x64-gnu"
SOURCE="${SCRIPT_DIR}/chdb-server.c"
LAUNCHER="${STACK_DIR}/clickhouse/bin/chdb-server"

if [[ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]]; then
  echo "clickhouse/install.sh: the pinned libchdb.so is for Linux x86_64 (glibc); this is $(uname -s) $(uname -m)" >&2
  exit 1
fi
if [[ ! -f "${PACKAGE_DIR}/libchdb.so" ]]; then
  echo "clickhouse/install.sh: ${PACKAGE_DIR}/libchdb.so is missing; run npm ci" >&2
  exit 1
fi
# node_modules left from before a pin change would run another ClickHouse than package.json says.
pinned="$(sed -n 's/.*"@chdb\/lib-linux-x64-gnu": *"\([^"]*\)".*/\1/p' "${REPO_ROOT}/package.json" | head -n 1)"
installed="$(sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' "${PACKAGE_DIR}/package.json" | head -n 1)"
if [[ -n "${pinned}" && "${pinned}" != "${installed}" ]]; then
  echo "clickhouse/install.sh: node_modules has @chdb/lib-linux-x64-gnu ${installed}, package.json pins ${pinned}; run npm ci" >&2
  exit 1
fi

if [[ -x "${LAUNCHER}" && "${LAUNCHER}" -nt "${SOURCE}" ]]; then
  exit 0
fi

find_compiler() {
  local candidate
  for candidate in "${CC:-}" cc gcc clang; do
    if [[ -n "${candidate}" ]] && command -v "${candidate}" >/dev/null 2>&1; then
      echo "${candidate}"
      return 0
    fi
  done
  return 1
}

if ! compiler="$(find_compiler)"; then
  SUDO=""
  if [[ "$(id -u)" -ne 0 ]]; then
    if ! command -v sudo >/dev/null 2>&1; then
      echo "clickhouse/install.sh: no C compiler, and no root or sudo to apt-get install gcc" >&2
      exit 1
    fi
    SUDO="sudo"
  fi
  ${SUDO} apt-get update
  ${SUDO} env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends gcc libc6-dev
  compiler="$(find_compiler)"
fi

mkdir -p "$(dirname "${LAUNCHER}")"
"${compiler}" -O2 -Wall -Wextra -o "${LAUNCHER}.tmp" "${SOURCE}" -ldl -lpthread
mv -f "${LAUNCHER}.tmp" "${LAUNCHER}"
echo "clickhouse/install.sh: built ${LAUNCHER} for @chdb/lib-linux-x64-gnu ${installed}" >&2
