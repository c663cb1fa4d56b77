import type { SqlRunner } from '../../clickhouse/sql.ts';
import { lagRows, type GroupOffsets, type LagRow } from '../../connectors/kafka/lagProbe.ts';
import { TABLE_MAPPINGS } from '../../connectors/clickhouse/tables.ts';
import type { DeadLetter, LateRecord } from '../../schemas/types.ts';

/**
 * A deterministic two hours of pipeline-health records for the Grafana tests, starting
 * `startMs`: dead letters from several stages (some with a Kafka source, some raw IRC lines),
 * late records of two operators, and lag probes of three consumer groups every 15 s.
 */
export interface PipelineHealthData {
  readonly startMs: number;
  readonly deadLetters: DeadLetter[];
  readonly lateRecords: LateRecord[];
  readonly lag: LagRow[];
}

const STAGES = ['ingest', 'topology', 'clickhouse-sink'] as const;

/** Builds the data set; the same every time for the same `startMs`. */
export function pipelineHealthData(startMs: number): PipelineHealthData {
  const deadLetters: DeadLetter[] = Array.from({ length: 37 }, (_, i) => {
    const stage = STAGES[i % STAGES.length]!;
    const fromKafka = stage !== 'ingest';
    return {
      stage, errorCode: fromKafka ? 'SERDE_CORRUPT_PAYLOAD' : 'IRC_MALFORMED', reason: `bad record ${i}`,
      sourceTopic: fromKafka ? 'twitch.chat.messages' : null, sourcePartition: fromKafka ? i % 6 : null, sourceOffset: fromKafka ? String(1000 + i) : null,
      channel: i % 4 === 0 ? 'pulse_insights' : null, raw: Buffer.from([0xff, 0xfe, i, 0x00, 0x41]), occurredAtMs: startMs + i * 193_000 + 17,
    };
  });
  const lateRecords: LateRecord[] = Array.from({ length: 23 }, (_, i) => {
    const streamTimeMs = startMs + i * 307_000 + 250;
    const operator = i % 3 === 0 ? 'chat_rate_1m' : 'chat_rate_10s';
    const sizeMs = operator === 'chat_rate_1m' ? 60_000 : 10_000;
    const eventTimeMs = streamTimeMs - 90_000 - i * 1000;
    const windowStartMs = Math.floor(eventTimeMs / sizeMs) * sizeMs;
    return {
      operator, channel: i % 2 ? 'pulse_insights' : 'other_channel', sourceTopic: 'twitch.chat.messages', sourcePartition: i % 6, sourceOffset: String(5000 + i),
      eventTimeMs, streamTimeMs, windowStartMs, windowEndMs: windowStartMs + sizeMs, graceMs: 5000,
    };
  });
  const lag: LagRow[] = [];
  for (let probe = 0; probe < 120; probe++) {
    const observedAtMs = startMs + probe * 15_000 + 3;
    const groups: GroupOffsets[] = ['twitch-pulse-clickhouse', 'twitch-pulse-topology', 'twitch-pulse-archive'].map((groupId, g) => ({
      groupId,
      topics: [{ topic: 'twitch.chat.messages', partitions: [0, 1, 2].map((partition) => ({ partition, offset: String(probe * 100 + partition * 7 - g * 40 - ((probe * 13 + g) % 50)) })) }],
    }));
    const ends = new Map([['twitch.chat.messages', [0, 1, 2].map((partition) => ({ partition, low: '0', high: String(probe * 100 + partition * 7 + 20) }))]]);
    lag.push(...lagRows(observedAtMs, groups, ends));
  }
  return { startMs, deadLetters, lateRecords, lag };
}

async function insert(sql: SqlRunner, table: string, rows: readonly object[]): Promise<void> {
  await sql.command(`INSERT INTO ${table} FORMAT JSONEachRow\n${rows.map((r) => JSON.stringify(r)).join('\n')}`);
}

/**
 * Inserts the data set as the sink and the lag probe write it, every fifth row twice in a
 * separate insert with merges stopped, so queries that forget FINAL count them twice.
 */
export async function loadPipelineHealthData(sql: SqlRunner, data: PipelineHealthData): Promise<void> {
  const deadLetters = TABLE_MAPPINGS.find((m) => m.topic === 'deadLetter')!;
  const late = TABLE_MAPPINGS.find((m) => m.topic === 'lateRecords')!;
  const tables: Array<[string, object[]]> = [
    [deadLetters.table, data.deadLetters.map((d) => deadLetters.toRow(d as never))],
    [late.table, data.lateRecords.map((l) => late.toRow(l as never))],
    ['consumer_lag', data.lag],
  ];
  for (const [table, rows] of tables) {
    await sql.command(`SYSTEM STOP MERGES ${table}`);
    await insert(sql, table, rows);
    await insert(sql, table, rows.filter((_, i) => i % 5 === 0));
  }
}
