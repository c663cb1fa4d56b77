import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
// Before kafkajs (node --test runs each spec file in a fresh process): client.ts must install it.
import { createKafka } from './client.ts';
import { groupMessagesPerPartition, installPartitionGrouping } from './partitionGrouping.ts';

const require = createRequire(import.meta.url);
const REPO = fileURLToPath(new URL('../../', import.meta.url));

/** kafkajs's own grouping, compiled afresh from its file (the cached module is ours). */
function kafkajsGrouping(): typeof groupMessagesPerPartition {
  const path = require.resolve('kafkajs/src/producer/groupMessagesPerPartition.js');
  const module = new Module(path);
  module.filename = path;
  (module as unknown as { _compile(source: string, file: string): void })._compile(readFileSync(path, 'utf8'), path);
  return module.exports as typeof groupMessagesPerPartition;
}

describe('groupMessagesPerPartition', () => {
  const partitionMetadata = Array.from({ length: 6 }, (_, partitionId) => ({ partitionId, leader: 1 }));
  const murmur2 = (require('kafkajs') as { Partitioners: { DefaultPartitioner: () => Parameters<typeof groupMessagesPerPartition>[0]['partitioner'] } }).Partitioners.DefaultPartitioner();

  it('gives what kafkajs’s own gives: the same partitions, each with the same messages in order', () => {
    const messages = Array.from({ length: 2_000 }, (_, i) => ({ key: `room-${i % 97}`, value: Buffer.from(String(i)), ...(i % 11 === 0 ? { partition: i % 6 } : {}) }));
    const ours = groupMessagesPerPartition({ topic: 't', partitionMetadata, messages, partitioner: murmur2 });
    const theirs = kafkajsGrouping()({ topic: 't', partitionMetadata, messages, partitioner: murmur2 });
    assert.deepEqual(Object.keys(ours), Object.keys(theirs));
    for (const p of Object.keys(theirs)) {
      const n = Number(p);
      assert.equal(ours[n]!.length, theirs[n]!.length);
      assert.ok(ours[n]!.every((m, i) => m === theirs[n]![i]), `partition ${p} in the same order`);
    }
    assert.equal(Object.values(ours).reduce((s, l) => s + l.length, 0), messages.length);
  });

  it('gives nothing while the topic has no partition metadata', () => {
    assert.deepEqual(groupMessagesPerPartition({ topic: 't', partitionMetadata: [], messages: [{ key: 'a' }], partitioner: () => 0 }), {});
  });

  it('is what kafkajs’s producer uses once client.ts is imported', async () => {
    assert.equal(installPartitionGrouping(), true);
    assert.equal(require.cache[require.resolve('kafkajs/src/producer/groupMessagesPerPartition.js')]?.exports, groupMessagesPerPartition);
    assert.ok(createKafka(['127.0.0.1:1']).producer());
  });

  it('reports that kafkajs’s own stays in use when kafkajs loaded it first', () => {
    const path = require.resolve('kafkajs/src/producer/groupMessagesPerPartition.js');
    const ours = require.cache[path];
    delete require.cache[path];
    try {
      require(path);
      assert.equal(installPartitionGrouping(), false);
    } finally {
      require.cache[path] = ours;
    }
  });

  // An import of kafkajs's values evaluated before client.ts would load kafkajs with its own
  // grouping; outside specs, only client.ts and lz4Codec.ts import kafkajs's values, each after
  // partitionGrouping.ts.
  it('is imported before kafkajs wherever the project imports kafkajs’s values', () => {
    const offenders: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(join(REPO, dir), { withFileTypes: true })) {
        const rel = join(dir, entry.name);
        if (entry.isDirectory()) {
          if (entry.name !== 'node_modules' && !entry.name.startsWith('.')) walk(rel);
          continue;
        }
        if (!entry.name.endsWith('.ts') || entry.name.endsWith('.spec.ts') || rel.startsWith('test/')) continue;
        const source = readFileSync(join(REPO, rel), 'utf8');
        const valueImport = /^(import|export) (?!type )[^;]*from 'kafkajs';/m.exec(source);
        if (!valueImport) continue;
        const guard = source.indexOf("import './partitionGrouping.ts';");
        if (guard < 0 || guard > valueImport.index) offenders.push(rel);
      }
    };
    for (const dir of ['bench', 'cli', 'connectors', 'core', 'schemas', 'stack', 'topology', 'clickhouse', 'grafana']) walk(dir);
    assert.deepEqual(offenders, []);
  });
});
