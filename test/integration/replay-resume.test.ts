// Needs: Kafka and Apicurio Registry of the local stack. `twitch-pulse replay --checkpoint` is
// killed with SIGKILL at random moments and rerun until it finishes; every line of the file must
// then be in Kafka exactly once for read_committed readers.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, it } from 'node:test';
import { REPO_ROOT } from '../../core/config.ts';
import { seededRandom, simulateChat, simulatedChannels } from '../../connectors/simulator/chatSimulator.ts';
import { ChatIngester } from '../../connectors/twitch/chatIngest.ts';
import { TOPICS } from '../../schemas/catalogue.ts';
import { AvroSerde } from '../../schemas/serde.ts';
import type { ChatEvent, ChatMessage, DeadLetter, Moderation } from '../../schemas/types.ts';
import { committedValues, endpoints, kill, testKafka, uniqueName } from './harness.ts';

function replayProcess(file: string, prefix: string, checkpoint: string) {
  const child = spawn(process.execPath, ['bin/twitch-pulse.mjs', 'replay', file, '--speed', '6', '--checkpoint', checkpoint, '--topic-prefix', prefix], {
    cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LOG_LEVEL: 'info' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, output: () => ({ stdout, stderr }) };
}

describe('replay --checkpoint: exactly once across kill -9', () => {
  it('puts every line in Kafka once however often the replay is killed and rerun', { timeout: 300_000 }, async () => {
    const lines = [...simulateChat({ channels: simulatedChannels(4), startMs: 1_700_000_000_000, durationMs: 4 * 60_000, seed: 77, burstChancePerSecond: 1 / 60, giftBombChancePerSecond: 1 / 60, raidChancePerSecond: 1 / 120 })];
    // Bad lines go to the dead-letter topic inside the same transactions.
    for (let i = 0; i < 40; i++) lines.splice(37 * i + 5, 0, `@broken-${i}`);
    const file = `${tmpdir()}/twitch-pulse-resume-${process.pid}.log`;
    writeFileSync(file, lines.join('\n') + '\n');

    const expected = { messages: [] as string[], events: [] as string[], moderation: 0, malformed: 0 };
    const reference = new ChatIngester({
      message: (m) => expected.messages.push(m.id),
      event: (e) => expected.events.push(e.id),
      moderation: () => expected.moderation++,
      malformed: () => expected.malformed++,
    });
    for (const line of lines) reference.line(line, 0);
    assert.ok(expected.messages.length > 5_000 && expected.events.length > 50 && expected.malformed >= 40, JSON.stringify({ m: expected.messages.length, e: expected.events.length }));

    const prefix = `${uniqueName('it-resume')}.`;
    const checkpoint = uniqueName('resume');
    const random = seededRandom(5);
    let kills = 0;
    let resumedRuns = 0;
    for (let run = 0; ; run++) {
      const replay = replayProcess(file, prefix, checkpoint);
      if (run < 4) {
        // Start-up (tsx, topics, schemas, reading the checkpoint) takes a few seconds; kill after
        // it. At --speed 6 the 4 simulated minutes take 40 s, so four kills land on a fast machine too.
        const killAfterMs = 5_000 + random() * 4_000;
        const outcome = await Promise.race([replay.exited.then(() => 'exited' as const), new Promise<'kill'>((r) => setTimeout(() => r('kill'), killAfterMs))]);
        if (outcome === 'kill') {
          await kill(replay.child);
          kills++;
          continue;
        }
      }
      const code = await replay.exited;
      const { stdout, stderr } = replay.output();
      assert.equal(code, 0, stderr);
      if (/resuming after the lines already in Kafka/.test(stderr)) resumedRuns++;
      const summary = JSON.parse(stdout.trim().split('\n').pop()!) as { resumedAfterLines?: number; lines: number };
      assert.equal((summary.resumedAfterLines ?? 0) + summary.lines, lines.length);
      break;
    }
    assert.ok(kills >= 3, `only ${kills} kills landed before the replay finished`);
    assert.ok(resumedRuns === 1, 'the final run resumed from a checkpoint');

    const kafka = testKafka();
    const serde = AvroSerde.connect(endpoints.registryUrl);
    const messages = await committedValues<ChatMessage>(kafka, `${prefix}${TOPICS.chatMessages.name}`, serde);
    const events = await committedValues<ChatEvent>(kafka, `${prefix}${TOPICS.chatEvents.name}`, serde);
    const moderation = await committedValues<Moderation>(kafka, `${prefix}${TOPICS.moderation.name}`, serde);
    const letters = await committedValues<DeadLetter>(kafka, `${prefix}${TOPICS.deadLetter.name}`, serde);
    assert.deepEqual(messages.map((m) => m.id).sort(), [...expected.messages].sort());
    assert.deepEqual(events.map((e) => e.id).sort(), [...expected.events].sort());
    assert.equal(moderation.length, expected.moderation);
    assert.equal(letters.length, expected.malformed);
  });
});
