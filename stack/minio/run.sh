#!/usr/bin/env bash
# Run the MinIO server built by stack/minio/install.sh in the FOREGROUND: the
# final `exec` makes this script's PID the server's PID (SIGTERM stops it).
#
# Env: MINIO_ROOT_USER (twitchpulse), MINIO_ROOT_PASSWORD (twitchpulse-secret,
#      must be >= 8 chars), MINIO_PORT (9002), MINIO_CONSOLE_PORT (9003).
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
export MINIO_ROOT_PASSWORD="${MINIO_ROOT_PASSWORD:-twitchpulse-secret}"
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
