#!/usr/bin/env bash
# Starts a single-node KRaft Kafka (broker + controller) on loopback, waits until it accepts
# clients, and prints its bootstrap address (host:port) on stdout. Logs go to DIR/broker.log.
#
# Usage: infra/kafka/start.sh [--dir DIR] [--port PORT] [--partitions N] [--timeout SECONDS]
#   --dir      state directory (config, data, pid, log); default: a new temp dir.
#              Starting again on a stopped DIR reuses its data and its ports.
#   --port     client port; default: the port recorded in DIR, else a free one.
#   --timeout  seconds to wait for readiness (default 90).
# Environment: KAFKA_JVM_OPTS replaces the default JVM options (-Xmx512m, serial GC, C1 only);
# KAFKA_DIST_DIR is the jar cache fetch.sh fills (default infra/kafka/.dist).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

dir=""; port=""; partitions=1; timeout=90
while [[ $# -gt 0 ]]; do
  case "$1" in
    --dir) dir="$2"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    --partitions) partitions="$2"; shift 2 ;;
    --timeout) timeout="$2"; shift 2 ;;
    *) echo "start.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done

# shellcheck source=../lib/local-server.sh
source "$here/../lib/local-server.sh"

"$here/fetch.sh"
command -v java >/dev/null || { echo "start.sh: java (JDK 17+) is required" >&2; exit 1; }

claim_state_dir kafka kafka.pid
assign_ports client controller
controller_port="$second_port"

config="$dir/server.properties"
cat > "$config" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:${controller_port}
listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controller_port}
advertised.listeners=PLAINTEXT://127.0.0.1:${port}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=${dir}/data
auto.create.topics.enable=false
num.partitions=${partitions}
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=8
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=4
group.initial.rebalance.delay.ms=0
broker.heartbeat.interval.ms=500
broker.session.timeout.ms=3000
log.segment.bytes=8388608
log.retention.hours=168
num.network.threads=2
num.io.threads=2
background.threads=2
num.recovery.threads.per.data.dir=1
log.cleaner.threads=1
log.cleaner.dedupe.buffer.size=8388608
PROPS

cat > "$dir/log4j.properties" <<'LOG4J'
log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka=INFO
log4j.logger.org.apache.kafka=INFO
log4j.logger.state.change.logger=WARN
log4j.logger.kafka.request.logger=WARN
LOG4J

classpath="${KAFKA_DIST_DIR:-$here/.dist}/libs/*"
# Serial GC and the C1 compiler alone: fewer threads and a faster start on a small shared
# machine. KAFKA_JVM_OPTS replaces them, e.g. for a long-running, high-throughput broker.
read -r -a jvm_opts <<< "${KAFKA_JVM_OPTS:--Xms128m -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1}"
jvm=(java "${jvm_opts[@]}" -Djava.awt.headless=true
     "-Dlog4j.configuration=file:$dir/log4j.properties" "-Dkafka.logs.dir=$dir" -cp "$classpath")

if [[ ! -f "$dir/data/meta.properties" ]]; then
  # A base64url-encoded random 128-bit UUID, the form Kafka expects for a cluster id. Like
  # Kafka's own generator, redraw ids starting with '-': the tool would read one as an option.
  cluster_id="-"
  while [[ "$cluster_id" == -* ]]; do
    cluster_id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')"
  done
  "${jvm[@]}" kafka.tools.StorageTool format -t "$cluster_id" -c "$config" >> "$dir/broker.log" 2>&1 \
    || { echo "start.sh: formatting storage failed; see $dir/broker.log" >&2; exit 1; }
fi

log="$dir/broker.log"
marker_line="$(wc -l < "$log" 2>/dev/null || echo 0)"
# setsid detaches the broker from the caller's process group so it outlives this script.
setsid nohup "${jvm[@]}" kafka.Kafka "$config" >> "$log" 2>&1 < /dev/null &
pid=$!
echo "$pid" > "$pidfile"

deadline=$(( SECONDS + timeout ))
until tail -n +"$((marker_line + 1))" "$log" 2>/dev/null | grep -q 'Kafka Server started'; do
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "start.sh: broker exited during startup; last log lines:" >&2
    tail -n 30 "$log" >&2
    rm -f "$pidfile"
    exit 1
  fi
  if (( SECONDS >= deadline )); then
    echo "start.sh: broker not ready after ${timeout}s; see $log" >&2
    kill "$pid" 2>/dev/null || true
    exit 1
  fi
  sleep 0.2
done

echo "127.0.0.1:${port}"
