// Records of the four raw topics for the archive's specs and benchmark (not used by production
// code): chat from the recorded Twitch lines through the real parser, stream snapshots built here.
import { readFileSync } from 'node:fs';
import avro from 'avsc';
import { TOPICS, loadSchema, type TopicId } from '../../schemas/catalogue.ts';
import { parseChatLine } from '../twitch/chatRecord.ts';

/** The raw topics the archive reads by default. */
export const RAW_TOPIC_IDS = ['chatMessages', 'chatEvents', 'moderation', 'streamSnapshots'] as const satisfies readonly TopicId[];

/** Avro records of one raw topic, exactly as avsc decodes them, with their Avro bodies. */
export interface RawRecords {
  readonly type: avro.Type;
  readonly values: Array<Record<string, unknown>>;
  readonly bodies: Buffer[];
}

function fixtureLines(file: string): string[] {
  return readFileSync(new URL(`../../test/fixtures/irc/${file}`, import.meta.url), 'utf8').split('\n').filter(Boolean);
}

/** Stream snapshots with every kind of field value: unicode, empty and null optionals, tags. */
export function sampleSnapshots(n: number, startMs = 1_700_000_000_000): Array<Record<string, unknown>> {
  return Array.from({ length: n }, (_, i) => ({
    sweepId: `sweep-${Math.floor(i / 10)}`,
    observedAtMs: startMs + i * 1_000,
    streamId: String(40_000_000_000 + i),
    userId: String(10_000 + (i % 37)),
    login: `streamer_${i % 37}`,
    displayName: i % 5 === 0 ? `配信者${i}` : `Streamer${i}`,
    viewerCount: (i * 7919) % 150_000,
    gameId: i % 9 === 0 ? '' : String(500_000 + (i % 11)),
    gameName: i % 9 === 0 ? '' : `Game ${i % 11} — Ünïcode ✓`,
    title: `Title ${i} 🎮 "quoted", comma\ttab\nnewline`,
    language: i % 3 === 0 ? 'de' : 'en',
    startedAtMs: startMs - 3_600_000 + i,
    isMature: i % 4 === 0,
    thumbnailUrl: i % 6 === 0 ? '' : `https://static-cdn.example/previews-ttv/live_user_${i}-{width}x{height}.jpg`,
    tags: i % 3 === 0 ? [] : ['English', `tag${i % 5}`, 'Ελληνικά'],
    broadcasterType: i % 4 === 0 ? null : i % 4 === 1 ? '' : 'partner',
    boxArtUrl: i % 2 === 0 ? null : `https://static-cdn.example/ttv-boxart/${i}.jpg`,
  }));
}

/**
 * Every record of the recorded Twitch lines (`test/fixtures/irc/`) parsed by the real parser,
 * grouped by raw topic, plus `snapshots` stream snapshots; each encoded with the topic's schema
 * and decoded again, so values have avsc's shapes.
 */
export function rawFixtureRecords(snapshots = 50): Record<(typeof RAW_TOPIC_IDS)[number], RawRecords> {
  const out = Object.fromEntries(RAW_TOPIC_IDS.map((id) => {
    const type = avro.Type.forSchema(loadSchema(TOPICS[id]) as avro.Schema);
    return [id, { type, values: [], bodies: [] }];
  })) as unknown as Record<(typeof RAW_TOPIC_IDS)[number], RawRecords>;
  const add = (id: (typeof RAW_TOPIC_IDS)[number], value: unknown) => {
    const body = out[id].type.toBuffer(value);
    out[id].bodies.push(body);
    out[id].values.push(out[id].type.fromBuffer(body) as Record<string, unknown>);
  };
  for (const file of ['privmsg.log', 'usernotice.log', 'moderation.log', 'other.log']) {
    for (const line of fixtureLines(file)) {
      let record;
      try {
        record = parseChatLine(line, 1_700_000_000_000);
      } catch {
        continue;
      }
      if (record.kind === 'message') add('chatMessages', record.value);
      else if (record.kind === 'event') add('chatEvents', record.value);
      else if (record.kind === 'moderation') add('moderation', record.value);
    }
  }
  for (const s of sampleSnapshots(snapshots)) add('streamSnapshots', s);
  return out;
}
