#!/usr/bin/env bash
# Runs the locally built Apicurio Registry in the FOREGROUND (exec: this PID becomes the JVM;
# SIGTERM stops it cleanly in well under a second).
#
#   STACK_DIR          default: <repo>/.stack   (install with stack/apicurio/install.sh first)
#   REGISTRY_PORT      default: 8081            (binds 127.0.0.1 only)
#   APICURIO_JAVA_OPTS extra JVM / -D options, appended last (so they win)
#
# Confluent-compatible API: http://127.0.0.1:${REGISTRY_PORT}/apis/ccompat/v7
# Readiness:                http://127.0.0.1:${REGISTRY_PORT}/health/ready
# Storage: SQL storage on an H2 *file* database in ${STACK_DIR}/data/apicurio (persists
# across restarts; delete that directory to reset).
# Logs: stdout/stderr only (redirect them, e.g. > "${STACK_DIR}/logs/apicurio.log" 2>&1).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "${SCRIPT_DIR}/../.." && pwd)"
STACK_DIR="${STACK_DIR:-${REPO_ROOT}/.stack}"
REGISTRY_PORT="${REGISTRY_PORT:-8081}"

APP_DIR="${STACK_DIR}/apicurio/quarkus-app"
DATA_DIR="${STACK_DIR}/data/apicurio"

if [[ ! -f "${APP_DIR}/quarkus-run.jar" ]]; then
  echo "apicurio/run.sh: ${APP_DIR}/quarkus-run.jar not found; run stack/apicurio/install.sh first" >&2
  exit 1
fi
mkdir -p "${DATA_DIR}"

if [[ -n "${JAVA_HOME:-}" && -x "${JAVA_HOME}/bin/java" ]]; then
  JAVA="${JAVA_HOME}/bin/java"
else
  JAVA="java"
fi

# Apicurio reads a few settings from env vars; make sure stray ones from the caller's
# environment cannot change behaviour (the -D flags below win anyway).
unset HTTP_PORT REGISTRY_DATASOURCE_URL ENABLE_CCOMPAT_LEGACY_ID_MODE ENABLE_CCOMPAT_CANONICAL_HASH_MODE || true

# Notes on the flags:
#  - TieredStopAtLevel=1 + SerialGC: ~30-50% faster start on a 2-core box; the registry is
#    not a hot path (clients cache schema ids).
#  - H2 file DB: Apicurio 2.x "in-memory" storage is really its SQL storage on H2; pointing it at
#    a file makes it persistent. DB_CLOSE_ON_EXIT=FALSE lets Quarkus close the pool on shutdown.
#  - legacy-id-mode=false (Apicurio default): ccompat ids are content ids, like Confluent
#    (same schema under two subjects -> same id).
#  - use-canonical-hash=false (default): DO NOT enable on 2.4.2 - it stores a canonicalized schema
#    with record fields re-ordered alphabetically, which breaks Avro decoding.
# shellcheck disable=SC2086
exec "${JAVA}" \
  -Xms64m -Xmx512m \
  -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
  -XX:+ExitOnOutOfMemoryError \
  -Dquarkus.http.host=127.0.0.1 \
  -Dquarkus.http.port="${REGISTRY_PORT}" \
  -Dquarkus.datasource.jdbc.url="jdbc:h2:file:${DATA_DIR}/registry;DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0" \
  -Dquarkus.datasource.jdbc.initial-size=2 \
  -Dquarkus.datasource.jdbc.min-size=2 \
  -Dquarkus.datasource.jdbc.max-size=20 \
  -Dregistry.ccompat.legacy-id-mode.enabled=false \
  -Dregistry.ccompat.use-canonical-hash=false \
  ${APICURIO_JAVA_OPTS:-} \
  -jar "${APP_DIR}/quarkus-run.jar"
