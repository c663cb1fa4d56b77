#!/usr/bin/env bash
# Install ClickHouse server + client from Debian's own packages
# (bookworm: clickhouse-server 18.16.1+ds). No Docker, no upstream repo.
#
# Idempotent: exits at once when the clickhouse-server binary is present.
# The Debian package's own service is never used: stack/clickhouse/run.sh runs
# a private server in the foreground with its own config. If the package
# install starts the service anyway, it is stopped and disabled here so it does
# not hold ports 8123/9000/9009.
set -euo pipefail

if command -v clickhouse-server >/dev/null 2>&1 || [[ -x /usr/sbin/clickhouse-server ]]; then
  exit 0
fi

SUDO=""
if [[ "$(id -u)" -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
  else
    echo "clickhouse/install.sh: need root or sudo to apt-get install clickhouse-server" >&2
    exit 1
  fi
fi

export DEBIAN_FRONTEND=noninteractive

# Keep maintainer scripts from starting the packaged service: a policy-rc.d
# that denies every start (exit 101), removed again afterwards. Only done when
# no policy-rc.d exists already.
POLICY=/usr/sbin/policy-rc.d
added_policy=0
if [[ ! -e "${POLICY}" ]]; then
  ${SUDO} sh -c "printf '#!/bin/sh\nexit 101\n' > ${POLICY} && chmod 755 ${POLICY}"
  added_policy=1
fi
cleanup() {
  if [[ "${added_policy}" -eq 1 ]]; then
    ${SUDO} rm -f "${POLICY}" || true
  fi
}
trap cleanup EXIT

# Refresh package lists only when there are none (fresh machine/container).
if [[ -z "$(ls -A /var/lib/apt/lists 2>/dev/null | grep -v -e '^lock$' -e '^partial$' || true)" ]]; then
  ${SUDO} apt-get update
fi
if ! ${SUDO} env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
      clickhouse-server clickhouse-client; then
  # Stale package lists (404 on a superseded .deb): refresh once and retry.
  ${SUDO} apt-get update
  ${SUDO} env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
      clickhouse-server clickhouse-client
fi

# Belt and braces: if some service manager did start the packaged server,
# stop it and keep it from starting again.
if command -v systemctl >/dev/null 2>&1 && [[ -d /run/systemd/system ]]; then
  ${SUDO} systemctl disable --now clickhouse-server.service >/dev/null 2>&1 || true
fi
if [[ -x /etc/init.d/clickhouse-server ]]; then
  ${SUDO} /etc/init.d/clickhouse-server stop >/dev/null 2>&1 || true
fi
if command -v update-rc.d >/dev/null 2>&1; then
  ${SUDO} update-rc.d clickhouse-server disable >/dev/null 2>&1 || true
fi

echo "clickhouse/install.sh: installed $(dpkg-query -W -f='${Version}' clickhouse-server 2>/dev/null || echo '?')" >&2
