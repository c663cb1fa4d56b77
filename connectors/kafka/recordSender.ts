import { Producer, compatibilityPartitioner, type ConnectionOptions, type SASLOptions } from '@platformatic/kafka';
import { kafkaSecurityFromEnv, type KafkaSecurity } from './security.ts';

/** One keyed record for a topic. */
export interface OutgoingRecord {
  readonly topic: string;
  readonly key: string;
  readonly value: Buffer;
}

/** Sends batches of records to Kafka, one batch at a time: all a {@link BufferedProducer} needs. */
export interface RecordSender {
  /** Resolves once Kafka has given the sender its producer id. */
  connect(): Promise<void>;
  /** Resolves once Kafka acknowledged every record of `batch` (acks=all); rejects otherwise. */
  send(batch: readonly OutgoingRecord[]): Promise<void>;
  close(): Promise<void>;
}

/** Compressions every client of this project reads; LZ4 costs a quarter of gzip's CPU. */
export type SenderCompression = 'lz4' | 'gzip' | 'none';

/** Settings of {@link createRecordSender}. */
export interface RecordSenderOptions {
  readonly compression?: SenderCompression;
  /** TLS and SASL; from the environment by default. */
  readonly security?: KafkaSecurity;
}

/**
 * An idempotent, `acks=all` sender on @platformatic/kafka, whose produce path costs a third of
 * kafkajs's CPU per record (see the README's replay benchmark). Keys go to the partition Kafka's
 * Java client and kafkajs choose (murmur2), so a channel's records share a partition whichever
 * client wrote them.
 *
 * Never call `send` again before the previous call settled: this client sizes each request's
 * sequence numbers from acknowledged batches only, so concurrent sends would reuse them and the
 * broker would drop records as duplicates. A failed batch keeps its sequence numbers, so
 * sending it again is deduplicated if the failed attempt had in fact landed.
 */
export function createRecordSender(brokers: readonly string[], clientId: string, options: RecordSenderOptions = {}): RecordSender {
  const producer = new Producer({
    clientId,
    bootstrapBrokers: [...brokers],
    idempotent: true,
    acks: -1,
    compression: options.compression ?? 'lz4',
    partitioner: compatibilityPartitioner,
    autocreateTopics: false,
    retries: 3,
    retryDelay: 250,
    ...platformaticSecurity(options.security ?? kafkaSecurityFromEnv()),
  });
  return {
    async connect() {
      await producer.initIdempotentProducer({});
    },
    async send(batch) {
      await producer.send({ messages: batch.map((r) => ({ topic: r.topic, key: Buffer.from(r.key), value: r.value })) });
    },
    async close() {
      await producer.close();
    },
  };
}

/** The same TLS and SASL settings in @platformatic/kafka's words. */
export function platformaticSecurity(security: KafkaSecurity): Pick<ConnectionOptions, 'tls' | 'sasl'> {
  const out: { tls?: ConnectionOptions['tls']; sasl?: SASLOptions } = {};
  if (security.ssl === true) out.tls = {};
  else if (security.ssl) out.tls = { ca: security.ssl.ca };
  if (security.sasl) {
    const { mechanism, username, password } = security.sasl as { mechanism: string; username: string; password: string };
    out.sasl = { mechanism: mechanism.toUpperCase() as SASLOptions['mechanism'], username, password };
  }
  return out;
}
