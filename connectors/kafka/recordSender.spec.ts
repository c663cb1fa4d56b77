import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compatibilityPartitioner } from '@platformatic/kafka';
import { Partitioners } from 'kafkajs';
import { platformaticSecurity } from './recordSender.ts';

describe('record sender', () => {
  it('puts every key on the partition kafkajs (and the Java client) would choose', () => {
    const kafkajs = Partitioners.DefaultPartitioner();
    for (const partitions of [1, 3, 6, 12]) {
      const partitionMetadata = Array.from({ length: partitions }, (_, i) => ({ partitionId: i, leader: 1, partitionErrorCode: 0, replicas: [1], isr: [1] }));
      for (let i = 0; i < 2_000; i++) {
        const key = i % 3 === 0 ? String(10_000_000 + i * 7_919) : `channel-${i}-ä`;
        const ours = compatibilityPartitioner({ topic: 't', key } as never, Buffer.from(key)) % partitions;
        assert.equal(ours, kafkajs({ topic: 't', partitionMetadata, message: { key, value: null } }), `key ${key} of ${partitions}`);
      }
    }
  });

  it('carries TLS and SASL over in the other client’s words', () => {
    assert.deepEqual(platformaticSecurity({}), {});
    assert.deepEqual(platformaticSecurity({ ssl: true }), { tls: {} });
    assert.deepEqual(
      platformaticSecurity({ ssl: { ca: ['PEM'] }, sasl: { mechanism: 'scram-sha-512', username: 'u', password: 'p' } }),
      { tls: { ca: ['PEM'] }, sasl: { mechanism: 'SCRAM-SHA-512', username: 'u', password: 'p' } },
    );
    assert.equal(platformaticSecurity({ sasl: { mechanism: 'plain', username: 'u', password: 'p' } }).sasl?.mechanism, 'PLAIN');
  });
});
