#!/usr/bin/env bash
# Installs an Apache Kafka broker (jars only) from Maven Central into
#   ${STACK_DIR:-<repo>/.stack}/kafka/libs
# using stack/kafka/pom.xml + `mvn dependency:copy-dependencies`.
# No Docker, no Kafka tarball: only Maven Central is needed.
# Idempotent: exits at once when ${STACK_DIR}/kafka/.installed-<version> exists.
set -euo pipefail

# Keep in sync with <kafka.version> in pom.xml (this value wins: it is passed to mvn).
# Stay on 3.x: kafkajs has protocol problems with Kafka 4.
KAFKA_VERSION="3.9.1"

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "${SCRIPT_DIR}/../.." && pwd)"
STACK_DIR="${STACK_DIR:-${REPO_ROOT}/.stack}"
KAFKA_HOME="${STACK_DIR}/kafka"
MARKER="${KAFKA_HOME}/.installed-${KAFKA_VERSION}"

if [[ -f "${MARKER}" ]]; then
  exit 0
fi

log() { echo "[kafka/install] $*" >&2; }

# --- prerequisites: a JDK/JRE >= 11 (17 on this machine) and Maven -------------
apt_install() {
  if [[ "$(id -u)" == "0" ]] && command -v apt-get >/dev/null 2>&1; then
    log "installing $* with apt-get"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2
  else
    log "missing prerequisite ($*) and cannot apt-get install it; install it and re-run"
    exit 1
  fi
}
if [[ -z "${JAVA_HOME:-}" ]] && ! command -v java >/dev/null 2>&1; then
  apt_install openjdk-17-jdk-headless
fi
if ! command -v mvn >/dev/null 2>&1; then
  apt_install maven
fi

# --- resolve the jars -------------------------------------------------------
mkdir -p "${KAFKA_HOME}"
TMP_LIBS="$(mktemp -d "${KAFKA_HOME}/libs.tmp.XXXXXX")"
cleanup() { rm -rf "${TMP_LIBS}"; }
trap cleanup EXIT

log "resolving org.apache.kafka:kafka_2.13:${KAFKA_VERSION} from Maven Central (first run ~1 min)"
start=$(date +%s)
# -B: no colours/progress; -q: errors only. The pom has packaging=pom, so nothing
# is built and no target/ folder is written next to it.
mvn -B -q -f "${SCRIPT_DIR}/pom.xml" \
  -Dkafka.version="${KAFKA_VERSION}" \
  dependency:copy-dependencies \
  -DincludeScope=runtime \
  -DoutputDirectory="${TMP_LIBS}" 2>&1 \
  | sed -e $'s/\x1b\\[[0-9;]*m//g' -e '/^$/d' >&2   # Maven 3.8 prints stray ANSI resets even with -B

# Sanity checks: the broker main class and the storage tool must be present,
# and exactly one slf4j binding (reload4j).
for jar in "kafka_2.13-${KAFKA_VERSION}.jar" "kafka-clients-${KAFKA_VERSION}.jar" \
           "kafka-tools-${KAFKA_VERSION}.jar" "slf4j-reload4j-*.jar" "reload4j-*.jar"; do
  if ! compgen -G "${TMP_LIBS}/${jar}" >/dev/null; then
    log "expected jar ${jar} missing after resolution"; exit 1
  fi
done
if compgen -G "${TMP_LIBS}/logback-*.jar" >/dev/null; then
  log "logback leaked into the classpath; check the exclusions in pom.xml"; exit 1
fi

# Swap in atomically-ish and drop markers of other versions.
rm -rf "${KAFKA_HOME}/libs"
chmod 755 "${TMP_LIBS}"
mv "${TMP_LIBS}" "${KAFKA_HOME}/libs"
trap - EXIT
rm -f "${KAFKA_HOME}"/.installed-*
echo "${KAFKA_VERSION}" > "${MARKER}"

log "installed Kafka ${KAFKA_VERSION}: $(ls "${KAFKA_HOME}/libs" | wc -l) jars in ${KAFKA_HOME}/libs ($(( $(date +%s) - start ))s)"
