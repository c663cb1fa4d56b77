// Needs: Kafka and Apicurio Registry of the local stack. Runs `twitch-pulse run` as child
// processes, kills them with SIGKILL at random moments, and compares every derived record with
// one uninterrupted run on the same input.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { REPO_ROOT } from '../../core/config.ts';
import { simulateChat, simulatedChannels } from '../../connectors/simulator/chatSimulator.ts';
import { openKafkaIngest } from '../../connectors/twitch/ingestToKafka.ts';
import { TOPICS } from '../../schemas/catalogue.ts';
import { AvroSerde } from '../../schemas/serde.ts';
import { seededRandom } from '../../connectors/simulator/chatSimulator.ts';
import { committedRecords, endpoints, groupLag, kill, testKafka, uniqueName, untilCaughtUp } from './harness.ts';

const inputTopics = (prefix: string) => [`${prefix}${TOPICS.chatMessages.name}`, `${prefix}${TOPICS.chatEvents.name}`];

const OUTPUTS = ['chatRates', 'subActivity', 'subBursts', 'hype', 'hypeStarts', 'adWindows', 'lateRecords'] as const;

// Small batches in the interrupted runs, so kills land mid-work.
function startInstance(group: string, instance: string, inputPrefix: string, outputPrefix: string, maxBatchBytes = 16_384, extra: string[] = []): ChildProcess {
  return spawn(process.execPath, ['bin/twitch-pulse.mjs', 'run', '--group', group, '--instance', instance, '--input-prefix', inputPrefix, '--output-prefix', outputPrefix, '--max-batch-bytes', String(maxBatchBytes), ...extra], {
    cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LOG_LEVEL: 'info' },
  });
}

describe('topology on Kafka: exactly once across kill -9 and rebalances', () => {
  const kafka = testKafka();
  const serde = AvroSerde.connect(endpoints.registryUrl);
  const base = uniqueName('it-topo');
  const inputPrefix = `${base}.in.`;
  const children: ChildProcess[] = [];
  let reference: Record<string, string[]> = {};

  before(async () => {
    const ingest = await openKafkaIngest(endpoints, 'it-topology', {
      messages: `${inputPrefix}${TOPICS.chatMessages.name}`, events: `${inputPrefix}${TOPICS.chatEvents.name}`,
      moderation: `${inputPrefix}${TOPICS.moderation.name}`, deadLetter: `${inputPrefix}${TOPICS.deadLetter.name}`,
    });
    for (const line of simulateChat({ channels: simulatedChannels(8), startMs: 1_700_000_000_000, durationMs: 5 * 60_000, seed: 21, burstChancePerSecond: 1 / 90, giftBombChancePerSecond: 1 / 60, raidChancePerSecond: 1 / 200 })) {
      ingest.ingester.line(line, 0);
    }
    await ingest.close();

    const ref = startInstance(`${base}-ref`, 'ref', inputPrefix, `${base}.ref.`, 1_048_576);
    children.push(ref);
    await untilCaughtUp(kafka, `${base}-ref`, inputTopics(inputPrefix));
    await kill(ref);
    for (const id of OUTPUTS) reference[id] = await committedRecords(kafka, `${base}.ref.${TOPICS[id].name}`, serde);
  });
  after(async () => {
    await Promise.all(children.map(kill));
  });

  it('the uninterrupted run produced results of every kind the input calls for', () => {
    assert.ok(reference.chatRates!.length > 100, `chat rates: ${reference.chatRates!.length}`);
    assert.ok(reference.subActivity!.length > 0 && reference.hype!.length > 0, 'sub activity and hype');
  });

  it('gives the same results after kill -9 at random moments, several times', async () => {
    const group = `${base}-crash`;
    const random = seededRandom(Date.now() % 100_000);
    for (let round = 0; round < 4; round++) {
      const child = startInstance(group, 'crashy', inputPrefix, `${base}.crash.`);
      children.push(child);
      await new Promise((r) => setTimeout(r, 2_500 + random() * 4_000));
      await kill(child);
    }
    const last = startInstance(group, 'crashy', inputPrefix, `${base}.crash.`);
    children.push(last);
    await untilCaughtUp(kafka, group, inputTopics(inputPrefix));
    await kill(last);
    for (const id of OUTPUTS) {
      assert.deepEqual(await committedRecords(kafka, `${base}.crash.${TOPICS[id].name}`, serde), reference[id], `${id}: equal to the uninterrupted run`);
    }
  });

  it('splits the partitions between two instances, survives one being killed, and the totals still match', async () => {
    const group = `${base}-pair`;
    const assigned: Record<string, string> = {};
    const logs: Record<string, string[]> = { a: [], b: [] };
    const watch = (name: string, child: ChildProcess) => {
      let partial = '';
      child.stderr!.on('data', (chunk: Buffer) => {
        const lines = (partial + chunk.toString()).split('\n');
        partial = lines.pop()!;
        for (const line of lines) {
          if (!line.includes('"level":"debug"')) logs[name]!.push(line.slice(0, 300));
          const m = /"msg":"partitions assigned".*"partitions":"([^"]*)"/.exec(line);
          if (m) assigned[name] = m[1]!;
        }
      });
    };
    // a runs two group members of its own, so partitions also move between consumers of one instance.
    const a = startInstance(group, 'a', inputPrefix, `${base}.pair.`, 16_384, ['--consumers', '2']);
    const b = startInstance(group, 'b', inputPrefix, `${base}.pair.`);
    children.push(a, b);
    watch('a', a);
    watch('b', b);
    // Kill b as soon as it holds partitions of its own, while both are at work.
    const deadline = Date.now() + 60_000;
    while (!(assigned.a && assigned.b) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const lagAtKill = await groupLag(kafka, group, inputTopics(inputPrefix));
    await kill(b);
    assert.ok(assigned.a && assigned.b, `both instances got partitions: ${JSON.stringify(assigned)}\na: ${logs.a!.slice(-15).join('\n')}\nb: ${logs.b!.slice(-15).join('\n')}`);
    const split = [assigned.a!.split(','), assigned.b!.split(',')];
    assert.equal(split[0]!.filter((p) => split[1]!.includes(p)).length, 0, 'no partition is in both');
    assert.ok(lagAtKill > 0, `work was left when b died (lag ${lagAtKill}), so a had to take over b's partitions`);
    await untilCaughtUp(kafka, group, inputTopics(inputPrefix));
    await kill(a);
    for (const id of OUTPUTS) {
      assert.deepEqual(await committedRecords(kafka, `${base}.pair.${TOPICS[id].name}`, serde), reference[id], `${id}: equal to the single-instance run`);
    }
  });
});
