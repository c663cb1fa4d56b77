#!/usr/bin/env bash
# Builds a runnable Apicurio Registry (Confluent-compatible schema registry) from
# Maven Central artifacts, without Docker, into ${STACK_DIR}/apicurio/quarkus-app/.
#
#   STACK_DIR          default: <repo>/.stack
#   APICURIO_MVN_ARGS  extra arguments for mvn (e.g. "-o" or "-Dmaven.repo.local=/x")
#
# Idempotent: exits at once if ${STACK_DIR}/apicurio/.installed-<version> exists.
# Needs: mvn (3.8+), a JDK 11+ (17 used here), network access to Maven Central.
# The Maven log goes to ${STACK_DIR}/apicurio/install.log.
set -euo pipefail

APICURIO_VERSION="2.4.2.Final"   # keep in lock-step with <apicurio.version> in pom.xml

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "${SCRIPT_DIR}/../.." && pwd)"
STACK_DIR="${STACK_DIR:-${REPO_ROOT}/.stack}"
DEST="${STACK_DIR}/apicurio"
MARKER="${DEST}/.installed-${APICURIO_VERSION}"

if [[ -f "${MARKER}" ]]; then
  exit 0
fi

mkdir -p "${DEST}"

# Serialize concurrent installs (e.g. two stack scripts racing).
if command -v flock >/dev/null 2>&1; then
  exec 9>"${DEST}/.install.lock"
  flock 9
  if [[ -f "${MARKER}" ]]; then
    exit 0
  fi
fi

for tool in mvn java; do
  if ! command -v "${tool}" >/dev/null 2>&1; then
    echo "apicurio/install.sh: '${tool}' not found on PATH (need Maven 3.8+ and a JDK 11+, e.g. apt-get install maven openjdk-17-jdk-headless)" >&2
    exit 1
  fi
done

BUILD_DIR="${DEST}/build"
LOG="${DEST}/install.log"
rm -rf "${BUILD_DIR}"

echo "apicurio/install.sh: building Apicurio Registry ${APICURIO_VERSION} (Maven log: ${LOG}) ..." >&2
start=$(date +%s)

# -DskipDefault            : deactivates the 'external_repos' profile of Apicurio's parent pom,
#                            so Maven never tries packages.confluent.io / jitpack.io (unreachable).
# -Dquarkus.package.type   : Apicurio's own application.properties asks for legacy-jar; a
#                            system property wins, and fast-jar starts faster.
# shellcheck disable=SC2086
if ! mvn -B -ntp \
    -f "${SCRIPT_DIR}/pom.xml" \
    -Dapicurio.build.dir="${BUILD_DIR}" \
    -DskipDefault=true \
    -Dquarkus.package.type=fast-jar \
    ${APICURIO_MVN_ARGS:-} \
    package >"${LOG}" 2>&1; then
  echo "apicurio/install.sh: Maven build FAILED; last lines of ${LOG}:" >&2
  tail -n 60 "${LOG}" >&2
  exit 1
fi

if [[ ! -f "${BUILD_DIR}/quarkus-app/quarkus-run.jar" ]]; then
  echo "apicurio/install.sh: build finished but ${BUILD_DIR}/quarkus-app/quarkus-run.jar is missing" >&2
  exit 1
fi

rm -rf "${DEST}/quarkus-app"
mv "${BUILD_DIR}/quarkus-app" "${DEST}/quarkus-app"
rm -rf "${BUILD_DIR}"
rm -f "${DEST}"/.installed-*
echo "${APICURIO_VERSION}" >"${MARKER}"

echo "apicurio/install.sh: Apicurio Registry ${APICURIO_VERSION} installed in ${DEST}/quarkus-app ($(( $(date +%s) - start ))s)" >&2
