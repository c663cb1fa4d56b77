#!/usr/bin/env bash
# Run the MinIO server built by stack/minio/install.sh in the FOREGROUND: the
# final `exec` makes this script's PID the server's PID (SIGTERM stops it).
#
# Env: MINIO_ROOT_USER (twitchpulse), MINIO_ROOT_PASSWORD (must be >= 8 chars; default:
#      generated once, kept in ${STACK_DIR}/minio/root-password, mode 600), MINIO_PORT (9002),
#      MINIO_CONSOLE_PORT (9003).
# S3 API on 127.0.0.1:${MINIO_PORT}, console on 127.0.0.1:${MINIO_CONSOLE_PORT},
# data in ${STACK_DIR}/data/minio (single drive, no erasure coding).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "${SCRIPT_DIR}/../.." && pwd)"
STACK_DIR="${STACK_DIR:-${REPO_ROOT}/.stack}"
mkdir -p "${STACK_DIR}"
STACK_DIR="$(cd "${STACK_DIR}" && pwd)"

MINIO_BIN="${STACK_DIR}/minio/bin/minio"
if [[ ! -x "${MINIO_BIN}" ]]; then
  echo "minio/run.sh: ${MINIO_BIN} missing; run stack/minio/install.sh first" >&2
  exit 1
fi

export MINIO_ROOT_USER="${MINIO_ROOT_USER:-twitchpulse}"
# No password is committed anywhere: without MINIO_ROOT_PASSWORD the root user gets a random
# one on first start, kept beside the install for clients and tests to read (core/config.ts).
PASSWORD_FILE="${STACK_DIR}/minio/root-password"
if [[ -z "${MINIO_ROOT_PASSWORD:-}" ]]; then
  if [[ ! -s "${PASSWORD_FILE}" ]]; then
    (umask 077; head -c 48 /dev/urandom | base64 -w0 | tr -dc 'A-Za-z0-9' > "${PASSWORD_FILE}")
  fi
  MINIO_ROOT_PASSWORD="$(cat "${PASSWORD_FILE}")"
fi
export MINIO_ROOT_PASSWORD
# No update checks / phoning home (no network here anyway).
export MINIO_UPDATE="${MINIO_UPDATE:-off}"

PORT="${MINIO_PORT:-9002}"
CONSOLE_PORT="${MINIO_CONSOLE_PORT:-9003}"
DATA_DIR="${STACK_DIR}/data/minio"
mkdir -p "${DATA_DIR}"

exec "${MINIO_BIN}" server \
  --address "127.0.0.1:${PORT}" \
  --console-address "127.0.0.1:${CONSOLE_PORT}" \
  "${DATA_DIR}"
