import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClickHouseClient } from '@clickhouse/client';
import { ConfigError, RowRejectedError, UnavailableError } from '../../core/errors.ts';
import { ClickHouseSink, type TableRow } from './sink.ts';

/** A stand-in server: refuses any insert holding a row with `bad: 1`, or fails while `down`. */
function fakeClient(state: { down: boolean; tables: string[] }) {
  const inserts: Array<{ table: string; ids: number[] }> = [];
  const client = {
    async insert({ table, values }: { table: string; values: Array<{ id: number; bad?: number }> }) {
      if (state.down) throw new Error('connect ECONNREFUSED 127.0.0.1:8123');
      if (values.some((v) => v.bad)) throw new Error('Code: 27, e.displayText() = DB::Exception: Cannot parse input: expected , before: .5');
      inserts.push({ table, ids: values.map((v) => v.id) });
    },
    async query() {
      if (state.down) throw new Error('connect ECONNREFUSED');
      return { json: async () => state.tables.map((name) => ({ name })) };
    },
    async close() {},
  };
  return { client: client as unknown as ClickHouseClient, inserts };
}

const row = (table: string, id: number, bad = false): TableRow<number> => ({ table, row: bad ? { id, bad: 1 } : { id }, source: id });

describe('ClickHouseSink', () => {
  it('inserts one batch per table and reports no refusals for good rows', async () => {
    const { client, inserts } = fakeClient({ down: false, tables: ['a', 'b'] });
    const sink = new ClickHouseSink(client, ['a', 'b']);
    await sink.connect();
    assert.deepEqual(await sink.write([row('a', 1), row('b', 2), row('a', 3)]), []);
    assert.deepEqual(inserts, [{ table: 'a', ids: [1, 3] }, { table: 'b', ids: [2] }]);
  });

  it('finds the refused rows by halving and inserts every other row', async () => {
    const { client, inserts } = fakeClient({ down: false, tables: ['a'] });
    const sink = new ClickHouseSink(client, ['a']);
    const batch = Array.from({ length: 20 }, (_, i) => row('a', i, i === 3 || i === 17));
    const refused = await sink.write(batch);
    assert.deepEqual(refused.map((r) => r.row.source), [3, 17]);
    assert.ok(refused.every((r) => r.error instanceof RowRejectedError && /Code: 27/.test(r.error.message)));
    assert.deepEqual(inserts.flatMap((i) => i.ids).sort((x, y) => x - y), batch.map((_, i) => i).filter((i) => i !== 3 && i !== 17));
  });

  it('throws a retriable UnavailableError when the server is down, refusing nothing', async () => {
    const { client } = fakeClient({ down: true, tables: ['a'] });
    const sink = new ClickHouseSink(client, ['a']);
    await assert.rejects(sink.write([row('a', 1)]), (e: unknown) => e instanceof UnavailableError && e.retriable);
    await assert.rejects(sink.connect(), UnavailableError);
  });

  it('writes nothing for an empty batch', async () => {
    const { client, inserts } = fakeClient({ down: false, tables: ['a'] });
    assert.deepEqual(await new ClickHouseSink(client, ['a']).write([]), []);
    assert.equal(inserts.length, 0);
  });

  it('refuses to start when tables are missing, naming them and the fix', async () => {
    const { client } = fakeClient({ down: false, tables: ['a'] });
    await assert.rejects(new ClickHouseSink(client, ['a', 'hype']).connect(), (e: unknown) => e instanceof ConfigError && /hype missing; run `twitch-pulse migrate`/.test(e.message));
  });
});
