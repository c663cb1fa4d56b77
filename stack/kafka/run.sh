#!/usr/bin/env bash
# Runs a single-node Apache Kafka 3.9 broker (KRaft, combined broker+controller)
# in the FOREGROUND: the last step is `exec java ...`, so the caller's PID is the JVM.
# Stop it with SIGTERM (clean controlled shutdown) and restart: data is kept.
#
# Env:
#   STACK_DIR               default <repo>/.stack
#   KAFKA_PORT              default 9092  (client listener, 127.0.0.1 only)
#   KAFKA_CONTROLLER_PORT   default 9093  (KRaft controller listener, 127.0.0.1 only)
#   KAFKA_SASL_PORT         default 9094  (SASL_PLAINTEXT listener, mechanism PLAIN, 127.0.0.1 only)
#   KAFKA_SASL_USERNAME     default twitchpulse         (the one user of the SASL listener)
#   KAFKA_SASL_PASSWORD     default: generated once, kept in ${STACK_DIR}/kafka/sasl-password (mode 600)
#   KAFKA_SSL_PORT          default 9095  (SASL_SSL listener: TLS with a certificate signed by a local
#                           CA generated once into ${STACK_DIR}/kafka/tls/ca.pem, then the same PLAIN user)
#   KAFKA_HEAP_OPTS         default "-Xms512m -Xmx1g"
#   KAFKA_AUTO_CREATE_TOPICS default true
#   KAFKA_CLUSTER_ID        cluster id used when formatting a new data dir
#   KAFKA_CDS               default 1; 0 disables the AppCDS start-up cache
#
# Layout:
#   ${STACK_DIR}/kafka/libs              jars (install.sh; run automatically if missing)
#   ${STACK_DIR}/kafka/config/           server.properties + log4j.properties (rewritten each start)
#   ${STACK_DIR}/data/kafka              log.dirs + KRaft metadata log
#   ${STACK_DIR}/logs/kafka.log          broker log (stdout stays quiet)
#   ${STACK_DIR}/logs/kafka-jvm.log      JVM warnings (GC/CDS), usually empty
#   ${STACK_DIR}/kafka/kafka-cds.jsa     class-data-sharing archive (auto, see below)
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "${SCRIPT_DIR}/../.." && pwd)"
export STACK_DIR="${STACK_DIR:-${REPO_ROOT}/.stack}"
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_SASL_PORT="${KAFKA_SASL_PORT:-9094}"
KAFKA_SSL_PORT="${KAFKA_SSL_PORT:-9095}"
SASL_USER="${KAFKA_SASL_USERNAME:-twitchpulse}"
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms512m -Xmx1g}"
KAFKA_AUTO_CREATE_TOPICS="${KAFKA_AUTO_CREATE_TOPICS:-true}"
# 16 bytes "twitch-pulse-kaf", base64url without padding (the format Kafka expects).
KAFKA_CLUSTER_ID="${KAFKA_CLUSTER_ID:-dHdpdGNoLXB1bHNlLWthZg}"

KAFKA_HOME="${STACK_DIR}/kafka"
LIBS="${KAFKA_HOME}/libs"
CONF_DIR="${KAFKA_HOME}/config"
DATA_DIR="${STACK_DIR}/data/kafka"
LOG_DIR="${STACK_DIR}/logs"

log() { echo "[kafka/run] $*" >&2; }

# Idempotent: returns in ~10 ms when the pinned version's marker exists, and
# (re)installs after a version bump in install.sh.
"${SCRIPT_DIR}/install.sh"

if [[ -n "${JAVA_HOME:-}" ]]; then JAVA="${JAVA_HOME}/bin/java"; else JAVA="java"; fi

mkdir -p "${CONF_DIR}" "${DATA_DIR}" "${LOG_DIR}"

# No password is committed anywhere: without KAFKA_SASL_PASSWORD the broker's SASL user gets a
# random one on first start, kept beside the install for clients and tests to read.
SASL_PASSWORD_FILE="${KAFKA_HOME}/sasl-password"
if [[ -n "${KAFKA_SASL_PASSWORD:-}" ]]; then
  SASL_PASSWORD="${KAFKA_SASL_PASSWORD}"
else
  if [[ ! -s "${SASL_PASSWORD_FILE}" ]]; then
    (umask 077; head -c 48 /dev/urandom | base64 -w0 | tr -dc 'A-Za-z0-9' > "${SASL_PASSWORD_FILE}")
  fi
  SASL_PASSWORD="$(cat "${SASL_PASSWORD_FILE}")"
fi
if [[ ! "${SASL_USER}${SASL_PASSWORD}" =~ ^[A-Za-z0-9._-]+$ ]]; then
  log "KAFKA_SASL_USERNAME/KAFKA_SASL_PASSWORD for the local broker may hold only letters, digits, . _ -"
  exit 1
fi

# A local CA and a broker certificate for 127.0.0.1, made once: clients trust the CA through
# KAFKA_SSL_CA_FILE=${TLS_DIR}/ca.pem. The keystore's password is random too, kept beside it.
TLS_DIR="${KAFKA_HOME}/tls"
if [[ ! -s "${TLS_DIR}/broker.p12" ]]; then
  command -v openssl >/dev/null || { log "openssl is needed to make the TLS listener's certificate"; exit 1; }
  rm -rf "${TLS_DIR}" && mkdir -p "${TLS_DIR}" && chmod 700 "${TLS_DIR}"
  (
    cd "${TLS_DIR}" && umask 077
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=twitch-pulse local CA" \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
      -keyout ca.key -out ca.pem 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout broker.key -out broker.csr 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' > broker.ext
    openssl x509 -req -in broker.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 3650 \
      -extfile broker.ext -out broker.pem 2>/dev/null
    head -c 48 /dev/urandom | base64 -w0 | tr -dc 'A-Za-z0-9' > keystore-password
    openssl pkcs12 -export -in broker.pem -inkey broker.key -certfile ca.pem -name broker \
      -passout "file:keystore-password" -out broker.p12
    chmod 644 ca.pem
  ) || { log "could not make the TLS certificates in ${TLS_DIR}"; exit 1; }
fi
KEYSTORE_PASSWORD="$(cat "${TLS_DIR}/keystore-password")"

# Fail fast (instead of ~10 s later inside the JVM) if a port is already taken,
# e.g. by a broker left over from an earlier run.
for port in "${KAFKA_PORT}" "${KAFKA_CONTROLLER_PORT}" "${KAFKA_SASL_PORT}" "${KAFKA_SSL_PORT}"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/${port}") 2>/dev/null; then
    log "127.0.0.1:${port} is already in use; is another broker running?"
    exit 1
  fi
done

# --- config (regenerated on every start, so port changes just work) -----------
cat > "${CONF_DIR}/server.properties" <<EOF
# Generated by stack/kafka/run.sh; edits are overwritten on the next start.
process.roles=broker,controller
node.id=1
# Static single-voter quorum: the controller endpoint is NOT baked into the
# data dir (unlike --standalone/dynamic quorum), so KAFKA_CONTROLLER_PORT may change.
controller.quorum.voters=1@127.0.0.1:${KAFKA_CONTROLLER_PORT}
controller.listener.names=CONTROLLER
listeners=PLAINTEXT://127.0.0.1:${KAFKA_PORT},CONTROLLER://127.0.0.1:${KAFKA_CONTROLLER_PORT},SASL_PLAINTEXT://127.0.0.1:${KAFKA_SASL_PORT},SASL_SSL://127.0.0.1:${KAFKA_SSL_PORT}
advertised.listeners=PLAINTEXT://127.0.0.1:${KAFKA_PORT},SASL_PLAINTEXT://127.0.0.1:${KAFKA_SASL_PORT},SASL_SSL://127.0.0.1:${KAFKA_SSL_PORT}
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL
# A SASL listener beside the plaintext one, so clients' SASL settings are tested against a
# real broker. PLAIN with static users needs nothing in the metadata log (SCRAM would), so an
# existing data dir keeps working.
listener.name.sasl_plaintext.sasl.enabled.mechanisms=PLAIN
listener.name.sasl_plaintext.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_${SASL_USER}="${SASL_PASSWORD}";
# The same user over TLS, as a hosted Kafka is reached (SASL_SSL).
listener.name.sasl_ssl.sasl.enabled.mechanisms=PLAIN
listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_${SASL_USER}="${SASL_PASSWORD}";
listener.name.sasl_ssl.ssl.keystore.type=PKCS12
listener.name.sasl_ssl.ssl.keystore.location=${TLS_DIR}/broker.p12
listener.name.sasl_ssl.ssl.keystore.password=${KEYSTORE_PASSWORD}
listener.name.sasl_ssl.ssl.key.password=${KEYSTORE_PASSWORD}

log.dirs=${DATA_DIR}

# Single node: every internal topic has RF=1 (transactions/idempotence need these).
offsets.topic.replication.factor=1
offsets.topic.num.partitions=5
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=5
default.replication.factor=1
min.insync.replicas=1

num.partitions=3
auto.create.topics.enable=${KAFKA_AUTO_CREATE_TOPICS}
delete.topic.enable=true
group.initial.rebalance.delay.ms=0

# Sized for a 2-core test machine.
num.network.threads=2
num.io.threads=4
num.recovery.threads.per.data.dir=1
background.threads=4
log.cleaner.threads=1
log.cleaner.dedupe.buffer.size=33554432
log.retention.hours=168
log.segment.bytes=104857600
EOF

# It holds the SASL and keystore passwords.
chmod 600 "${CONF_DIR}/server.properties"

cat > "${CONF_DIR}/log4j.properties" <<EOF
# Generated by stack/kafka/run.sh. Everything goes to one rolling file.
log4j.rootLogger=INFO, file
log4j.appender.file=org.apache.log4j.RollingFileAppender
log4j.appender.file.File=${LOG_DIR}/kafka.log
log4j.appender.file.MaxFileSize=50MB
log4j.appender.file.MaxBackupIndex=2
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n

log4j.logger.kafka=INFO
log4j.logger.org.apache.kafka=INFO
log4j.logger.kafka.request.logger=WARN
log4j.logger.kafka.network.RequestChannel\$=WARN
log4j.logger.kafka.log.LogCleaner=INFO
log4j.logger.state.change.logger=WARN
log4j.logger.kafka.authorizer.logger=WARN
log4j.logger.org.apache.zookeeper=WARN
EOF

CLASSPATH="${LIBS}/*"
JVM_OPTS=(
  ${KAFKA_HEAP_OPTS}
  -server
  -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35
  -XX:+ExplicitGCInvokesConcurrent -XX:+ExitOnOutOfMemoryError
  -Djava.awt.headless=true
)
BROKER_OPTS=(
  -XX:ErrorFile="${LOG_DIR}/kafka-hs_err_%p.log"
  # JVM unified-logging warnings (CDS etc.) go to one file (rewritten each start), not stdout.
  -Xlog:disable -Xlog:all=warning:file="${LOG_DIR}/kafka-jvm.log"::filecount=0
  -Dlog4j.configuration="file:${CONF_DIR}/log4j.properties"
  -Dkafka.logs.dir="${LOG_DIR}"
)

# --- AppCDS: cache parsed classes between runs (start-up ~40% faster) ---------
# The first run records the archive when the JVM exits (SIGTERM included); later
# runs map it. A stale (jars reinstalled) or truncated (JVM killed mid-dump)
# archive would be refused or even crash the JVM, so it is checked first with a
# 0.2 s `java -Xshare:on -version` and rebuilt if that fails. KAFKA_CDS=0 disables.
CDS_ARCHIVE="${KAFKA_HOME}/kafka-cds.jsa"
if [[ "${KAFKA_CDS:-1}" == "1" ]]; then
  # (subshell + `exit $?` so bash's "Aborted" notice for a crashing check stays silent)
  if [[ -s "${CDS_ARCHIVE}" ]] && ( "${JAVA}" "${JVM_OPTS[@]}" -Xlog:disable -XX:ErrorFile=/dev/null \
       -Xshare:on -XX:SharedArchiveFile="${CDS_ARCHIVE}" -cp "${CLASSPATH}" -version; exit $? ) >/dev/null 2>&1; then
    JVM_OPTS+=(-XX:SharedArchiveFile="${CDS_ARCHIVE}")
  else
    rm -f "${CDS_ARCHIVE}"
    JVM_OPTS+=(-XX:ArchiveClassesAtExit="${CDS_ARCHIVE}")
  fi
fi

# --- first start: format the storage (KRaft) ------------------------------
if [[ ! -f "${DATA_DIR}/meta.properties" ]]; then
  log "formatting ${DATA_DIR} (cluster id ${KAFKA_CLUSTER_ID})"
  # No --standalone: with controller.quorum.voters set, 3.9 formats a static quorum.
  "${JAVA}" -Xmx256m -cp "${CLASSPATH}" \
    -Dlog4j.configuration="file:${CONF_DIR}/log4j.properties" \
    kafka.tools.StorageTool format \
    --config "${CONF_DIR}/server.properties" \
    --cluster-id "${KAFKA_CLUSTER_ID}" \
    --ignore-formatted >>"${LOG_DIR}/kafka.log" 2>&1 \
    || { log "storage format failed; see ${LOG_DIR}/kafka.log"; exit 1; }
fi

log "starting broker on 127.0.0.1:${KAFKA_PORT} (SASL ${KAFKA_SASL_PORT}, SASL_SSL ${KAFKA_SSL_PORT}, controller ${KAFKA_CONTROLLER_PORT}); log: ${LOG_DIR}/kafka.log"
exec "${JAVA}" "${JVM_OPTS[@]}" "${BROKER_OPTS[@]}" -cp "${CLASSPATH}" kafka.Kafka "${CONF_DIR}/server.properties"
