#!/usr/bin/env bash
# Makes `docker compose …` (the Compose v2 CLI plugin) available to the docker
# client, so `docker compose config` can validate <repo>/docker-compose.yml on a
# machine that has only the docker *client* (no engine, no compose plugin).
#
# How: build github.com/docker/compose/v2 from source, using only the Go module
# proxy, and install the binary as a CLI plugin:
#   ${COMPOSE_PLUGIN_DIR:-${DOCKER_CONFIG:-$HOME/.docker}/cli-plugins}/docker-compose
#
# `go install github.com/docker/compose/v2/cmd@v2.40.3` is refused (its go.mod has
# `exclude` directives), so the module is fetched with `go mod download`, copied
# out of the read-only module cache into a temp dir, and built there with
# `go build ./cmd` against its own go.mod/go.sum (what upstream's Makefile does).
# A cold build (empty module + build cache) takes ~10 minutes on 2 cores; later
# rebuilds reuse the default Go caches and take well under a minute.
#
# Fallback (no Go, Go too old, or the build fails): Debian's `docker-compose`
# 1.29.2 package, wrapped in a small CLI-plugin shim so `docker compose …` still
# works (it forwards to the v1 `docker-compose`). Force one method with
# COMPOSE_INSTALL_METHOD=source|apt (default: auto = source, then apt).
#
# Idempotent: exits at once when `docker compose version` already works.
set -euo pipefail

# Newest v2 release the module proxy serves (v2.28.1 v2.35.1 v2.40.2 v2.40.3).
# Its go.mod asks for go >= 1.24.9.
COMPOSE_MODULE="github.com/docker/compose/v2"
COMPOSE_VERSION="${COMPOSE_VERSION:-v2.40.3}"
METHOD="${COMPOSE_INSTALL_METHOD:-auto}"
PLUGIN_DIR="${COMPOSE_PLUGIN_DIR:-${DOCKER_CONFIG:-${HOME}/.docker}/cli-plugins}"
PLUGIN="${PLUGIN_DIR}/docker-compose"

log() { echo "[compose/install] $*" >&2; }

if ! command -v docker >/dev/null 2>&1; then
  log "the 'docker' client is not on PATH; install it first (Debian: docker.io or docker-ce-cli)"
  exit 1
fi

if docker compose version >/dev/null 2>&1; then
  exit 0
fi

case "${METHOD}" in
  auto | source | apt) ;;
  *) log "COMPOSE_INSTALL_METHOD must be auto, source or apt (got '${METHOD}')"; exit 2 ;;
esac

# --- 1. build the v2 plugin from the Go module proxy --------------------------
workdir=""
cleanup() {
  if [[ -n "${workdir}" && -d "${workdir}" ]]; then
    chmod -R u+w "${workdir}" 2>/dev/null || true
    rm -rf "${workdir}"
  fi
}
trap cleanup EXIT
build_from_source() {
  if ! command -v go >/dev/null 2>&1; then
    log "'go' not found on PATH"
    return 1
  fi
  local dir
  workdir="$(mktemp -d)"

  log "building ${COMPOSE_MODULE}@${COMPOSE_VERSION} from the Go module proxy (cold: ~10 min, warm: <1 min)"
  # GOTOOLCHAIN=local: never try to download a Go toolchain (not reachable here).
  # Run from the temp dir so no go.mod of the caller's is in effect.
  (
    cd "${workdir}"
    GOFLAGS="${GOFLAGS:+${GOFLAGS} }-mod=mod" GOTOOLCHAIN=local \
      go mod download "${COMPOSE_MODULE}@${COMPOSE_VERSION}"
  ) || return 1
  # No upper-case letters in the path, so no module-path escaping is needed.
  dir="$(go env GOMODCACHE)/${COMPOSE_MODULE}@${COMPOSE_VERSION}"
  [[ -f "${dir}/go.mod" ]] || { log "module not found at ${dir}"; return 1; }

  # (set -e does not apply inside a function called from `if`: check each step.)
  cp -R "${dir}" "${workdir}/src" || return 1
  chmod -R u+w "${workdir}/src" || return 1
  # Same flags as upstream's release build (Makefile: CGO_ENABLED=0, -trimpath,
  # version stamped into internal.Version so `docker compose version` reports it).
  (
    cd "${workdir}/src"
    CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS="${GOFLAGS:+${GOFLAGS} }-mod=mod" \
      go build -trimpath \
        -ldflags "-s -w -X ${COMPOSE_MODULE}/internal.Version=${COMPOSE_VERSION}" \
        -o "${workdir}/docker-compose" ./cmd
  ) || return 1

  mkdir -p "${PLUGIN_DIR}" || return 1
  install -m 0755 "${workdir}/docker-compose" "${PLUGIN}.tmp" || return 1
  mv -f "${PLUGIN}.tmp" "${PLUGIN}"
}

# --- 2. fallback: Debian's docker-compose 1.29.2 behind a plugin shim ---------
install_from_apt() {
  if ! command -v docker-compose >/dev/null 2>&1 || [[ "$(command -v docker-compose)" == "${PLUGIN}" ]]; then
    if [[ "$(id -u)" != "0" ]] || ! command -v apt-get >/dev/null 2>&1; then
      log "need root and apt-get to install Debian's docker-compose"
      return 1
    fi
    log "installing Debian's docker-compose (v1) with apt-get"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 || return 1
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker-compose >&2 || return 1
  fi
  local v1
  v1="$(command -v docker-compose)"
  [[ "${v1}" != "${PLUGIN}" ]] || v1=/usr/bin/docker-compose
  local v1_version
  v1_version="$("${v1}" version --short 2>/dev/null || echo unknown)"

  mkdir -p "${PLUGIN_DIR}" || return 1
  # CLI-plugin protocol: answer `docker-cli-plugin-metadata`; otherwise the docker
  # client runs `<plugin> compose <args…>`.
  cat >"${PLUGIN}.tmp" <<EOF
#!/bin/sh
# docker CLI plugin shim written by stack/compose/install.sh: forwards
# \`docker compose …\` to Debian's Compose v1 (${v1}).
if [ "\$1" = docker-cli-plugin-metadata ]; then
  printf '%s\n' '{"SchemaVersion":"0.1.0","Vendor":"twitch-pulse (shim)","Version":"${v1_version}","ShortDescription":"Docker Compose v1 via ${v1}"}'
  exit 0
fi
[ "\$1" = compose ] && shift
exec "${v1}" "\$@"
EOF
  [[ -s "${PLUGIN}.tmp" ]] || return 1
  chmod 0755 "${PLUGIN}.tmp" || return 1
  mv -f "${PLUGIN}.tmp" "${PLUGIN}"
}

start=$(date +%s)
installed=""
if [[ "${METHOD}" != apt ]]; then
  if build_from_source; then
    installed="Compose ${COMPOSE_VERSION} built from source"
  else
    log "building from source failed"
    [[ "${METHOD}" == source ]] && exit 1
  fi
fi
if [[ -z "${installed}" ]]; then
  install_from_apt || { log "no way to install Compose worked"; exit 1; }
  installed="Debian docker-compose v1 behind a plugin shim"
fi

if ! docker compose version >&2; then
  log "installed ${PLUGIN}, but 'docker compose version' still fails"
  exit 1
fi
log "done in $(( $(date +%s) - start ))s: ${installed} -> ${PLUGIN}"
