// Needs: ClickHouse of the local stack, and the files stack/clickhouse/ installs and runs from
// (a C compiler, node_modules/@chdb/lib-linux-x64-gnu). The stack's ClickHouse is the chDB
// engine served by stack/clickhouse/chdb-server; this file checks that it behaves as a server
// must. Password checks need passwords, which the shared stack does not set, so those checks run
// on a second server started from the same scripts by the stack's own supervisor, in a folder
// and on ports of its own, and stopped again at the end.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { query as chdbQuery } from 'chdb';
import { createClickHouse } from '../../connectors/clickhouse/client.ts';
import { stackServices } from '../../stack/services.ts';
import { livePid, stackDown, stackUp } from '../../stack/supervisor.ts';
import { assertDeployedClickHouseVersion, endpoints, uniqueName } from './harness.ts';

describe('ClickHouse of the local stack', () => {
  it('is ClickHouse 26.x, the major.minor docker-compose.yml deploys', async () => {
    const ch = createClickHouse(endpoints.clickhouse, null);
    try {
      const [row] = await (await ch.query({ query: 'SELECT version() AS v', format: 'JSONEachRow' })).json<{ v: string }>();
      assertDeployedClickHouseVersion(row!.v);
    } finally {
      await ch.close();
    }
  });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('a ClickHouse from stack/clickhouse with passwords, run by the stack supervisor', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tp-chserver-'));
  const passwords = { default: uniqueName('pw-default'), grafana: uniqueName('pw-grafana') };
  const env: NodeJS.ProcessEnv = {
    STACK_DIR: dir,
    CLICKHOUSE_PASSWORD: passwords.default,
    CLICKHOUSE_GRAFANA_PASSWORD: passwords.grafana,
  };
  let services: ReturnType<typeof stackServices> = [];
  let url = '';
  let tcp = '';
  const database = uniqueName('it_chserver').replaceAll('-', '_');
  const admin = () => createClickHouse({ url, user: 'default', password: passwords.default, database }, database);

  before(async () => {
    env.CLICKHOUSE_HTTP_PORT = String(await freePort());
    env.CLICKHOUSE_TCP_PORT = String(await freePort());
    url = `http://127.0.0.1:${env.CLICKHOUSE_HTTP_PORT}`;
    tcp = `127.0.0.1:${env.CLICKHOUSE_TCP_PORT}`;
    services = stackServices({ ...process.env, ...env }).filter((s) => s.name === 'clickhouse');
    await stackUp(services, { env });
    const ch = createClickHouse({ url, user: 'default', password: passwords.default, database }, null);
    await ch.command({ query: `CREATE DATABASE ${database}` });
    await ch.close();
  });
  after(async () => {
    await stackDown(services, { env });
    rmSync(dir, { recursive: true, force: true });
  });

  // Status and body of a query over HTTP as `user`; a missing password sends no credentials.
  async function overHttp(sql: string, user?: string, password?: string): Promise<{ status: number; body: string }> {
    const headers: Record<string, string> = user === undefined ? {} : { 'X-ClickHouse-User': user, ...(password === undefined ? {} : { 'X-ClickHouse-Key': password }) };
    const res = await fetch(`${url}/?database=${database}`, { method: 'POST', body: sql, headers });
    return { status: res.status, body: await res.text() };
  }

  // The user the server saw, over the native protocol (chdb's engine is the client: remote()).
  function overNative(user: string, password: string): string {
    const quote = (s: string) => `'${s.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
    return chdbQuery(`SELECT * FROM remote(${quote(tcp)}, view(SELECT currentUser()), ${quote(user)}, ${quote(password)})`, 'TSV').trim();
  }

  it('refuses a missing or wrong password for default and grafana, over HTTP and the native protocol', async () => {
    for (const user of ['default', 'grafana'] as const) {
      const right = await overHttp('SELECT currentUser()', user, passwords[user]);
      assert.deepEqual([right.status, right.body], [200, `${user}\n`]);
      for (const wrong of [undefined, '', `${passwords[user]}x`]) {
        const refused = await overHttp('SELECT 1', user, wrong);
        assert.notEqual(refused.status, 200, `${user} with password ${JSON.stringify(wrong)}`);
        assert.match(refused.body, /Authentication failed/);
      }
      assert.equal(overNative(user, passwords[user]), user);
      for (const wrong of ['', `${passwords[user]}x`]) {
        assert.throws(() => overNative(user, wrong), /Authentication failed/, `${user} over the native protocol with password ${JSON.stringify(wrong)}`);
      }
    }
    const anonymous = await overHttp('SELECT 1');
    assert.notEqual(anonymous.status, 200, 'no credentials at all means user default without a password');
    assert.match(anonymous.body, /Authentication failed/);
  });

  it('lets grafana read but not insert, create, alter or drop', async () => {
    const ch = admin();
    await ch.command({ query: 'CREATE TABLE readings (id UInt32) ENGINE = MergeTree ORDER BY id' });
    await ch.insert({ table: 'readings', values: [{ id: 1 }, { id: 2 }], format: 'JSONEachRow' });
    await ch.close();
    const read = await overHttp('SELECT count() FROM readings', 'grafana', passwords.grafana);
    assert.deepEqual([read.status, read.body], [200, '2\n']);
    const grafanaSetsTimeout = await fetch(`${url}/?database=${database}&max_execution_time=10`, {
      method: 'POST', body: 'SELECT 1', headers: { 'X-ClickHouse-User': 'grafana', 'X-ClickHouse-Key': passwords.grafana },
    });
    assert.equal(grafanaSetsTimeout.status, 200, 'the Grafana plugin sets max_execution_time on every query');
    for (const statement of [
      'INSERT INTO readings VALUES (3)',
      'CREATE TABLE sneaky (a UInt8) ENGINE = Memory',
      'ALTER TABLE readings DELETE WHERE 1',
      'DROP TABLE readings',
      "SELECT * FROM file('/etc/hostname', 'LineAsString')",
    ]) {
      const refused = await overHttp(statement, 'grafana', passwords.grafana);
      assert.notEqual(refused.status, 200, statement);
      assert.match(refused.body, /Code: 164|READONLY/, statement);
    }
    const after = await overHttp('SELECT count() FROM readings', 'default', passwords.default);
    assert.equal(after.body, '2\n');
  });

  it('keeps serving when clients hang up mid-request or fail to log in over the native protocol', async () => {
    const pid = livePid(dir, 'clickhouse');
    assert.ok(pid !== null);
    const port = Number(env.CLICKHOUSE_HTTP_PORT);
    const hangUp = (bytes: string, afterFirstAnswer: boolean, toPort = port) =>
      new Promise<void>((resolve) => {
        const socket = createConnection({ host: '127.0.0.1', port: toPort }, () => {
          socket.write(bytes);
          if (!afterFirstAnswer) setTimeout(() => socket.resetAndDestroy(), 200);
        });
        socket.once('data', () => afterFirstAnswer && socket.resetAndDestroy());
        socket.once('close', () => resolve());
        socket.once('error', () => resolve());
      });
    const auth = `Authorization: Basic ${Buffer.from(`default:${passwords.default}`).toString('base64')}`;
    // A request cut off inside its body, a large answer the client stops reading, not HTTP at all,
    // and HTTP on the native port. Before the interactive-terminal launcher, each one aborted the
    // whole server (clickhouse-local's error handler for connection threads).
    await hangUp(`POST / HTTP/1.1\r\nHost: x\r\n${auth}\r\nContent-Length: 100\r\n\r\nSELECT`, false);
    await hangUp(`GET /?query=SELECT%20number%20FROM%20numbers(100000000) HTTP/1.1\r\nHost: x\r\n${auth}\r\n\r\n`, true);
    await hangUp('\u0000\u0001 not http\r\n\r\n', false);
    await hangUp('GET / HTTP/1.1\r\n\r\n', false, Number(env.CLICKHOUSE_TCP_PORT));
    assert.throws(() => overNative('default', 'wrong'), /Authentication failed/);
    assert.throws(() => overNative('nobody', ''), /Authentication failed/);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(livePid(dir, 'clickhouse'), pid, 'the same server process is still running');
    assert.equal((await overHttp('SELECT 1', 'default', passwords.default)).body, '1\n');
  });

  it('merges parts in the background, without OPTIMIZE', async (t) => {
    const ch = admin();
    const inserts = 12;
    await ch.command({ query: 'CREATE TABLE merged (id UInt32, batch UInt8) ENGINE = MergeTree ORDER BY id' });
    for (let batch = 0; batch < inserts; batch++) {
      const values = Array.from({ length: 100 }, (_, i) => ({ id: batch * 100 + i, batch }));
      await ch.insert({ table: 'merged', values, format: 'JSONEachRow' });
    }
    const startedAt = Date.now();
    let parts = inserts;
    let merges = 0;
    while (Date.now() - startedAt < 60_000) {
      await ch.command({ query: 'SYSTEM FLUSH LOGS' });
      const [state] = await (await ch.query({
        query: `SELECT
                  (SELECT count() FROM system.parts WHERE database = currentDatabase() AND table = 'merged' AND active) AS parts,
                  (SELECT count() FROM system.part_log WHERE database = currentDatabase() AND table = 'merged' AND event_type = 'MergeParts') AS merges`,
        format: 'JSONEachRow',
      })).json<{ parts: string | number; merges: string | number }>();
      parts = Number(state!.parts);
      merges = Number(state!.merges);
      if (merges > 0 && parts < inserts) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const [rows] = await (await ch.query({ query: 'SELECT count() AS n, uniqExact(id) AS ids FROM merged', format: 'JSONEachRow' })).json<{ n: string | number; ids: string | number }>();
    await ch.close();
    t.diagnostic(`${inserts} inserts -> ${parts} active parts after ${Date.now() - startedAt} ms; ${merges} merges in system.part_log`);
    assert.ok(merges > 0, 'system.part_log records a background merge');
    assert.ok(parts < inserts, `active parts went down from ${inserts} (now ${parts})`);
    assert.deepEqual([Number(rows!.n), Number(rows!.ids)], [inserts * 100, inserts * 100]);
  });

  it('takes concurrent inserts from 8 clients without losing or doubling a row', async (t) => {
    const ch = admin();
    await ch.command({ query: 'CREATE TABLE loaded (client UInt8, seq UInt32, text String) ENGINE = MergeTree ORDER BY (client, seq)' });
    const clients = 8;
    const insertsPerClient = 25;
    const rowsPerInsert = 1_000;
    const startedAt = Date.now();
    await Promise.all(
      Array.from({ length: clients }, async (_, client) => {
        const own = admin();
        try {
          for (let insert = 0; insert < insertsPerClient; insert++) {
            const values = Array.from({ length: rowsPerInsert }, (_, i) => ({ client, seq: insert * rowsPerInsert + i, text: `chat line ${client}/${insert}/${i}` }));
            await own.insert({ table: 'loaded', values, format: 'JSONEachRow' });
          }
        } finally {
          await own.close();
        }
      }),
    );
    const tookMs = Date.now() - startedAt;
    const [rows] = await (await ch.query({
      query: 'SELECT count() AS n, uniqExact(client, seq) AS keys, uniqExact(client) AS clients FROM loaded',
      format: 'JSONEachRow',
    })).json<{ n: string | number; keys: string | number; clients: string | number }>();
    await ch.close();
    const total = clients * insertsPerClient * rowsPerInsert;
    t.diagnostic(`${clients} clients x ${insertsPerClient} inserts x ${rowsPerInsert} rows = ${total} rows in ${tookMs} ms (${Math.round(total / (tookMs / 1000))} rows/s, ${Math.round((clients * insertsPerClient) / (tookMs / 1000))} inserts/s)`);
    assert.deepEqual([Number(rows!.n), Number(rows!.keys), Number(rows!.clients)], [total, total, clients]);
  });

  it('keeps a MergeTree table\'s rows over stack down and stack up', async () => {
    const ch = admin();
    await ch.command({ query: 'CREATE TABLE kept (id UInt32, channel String) ENGINE = MergeTree ORDER BY id' });
    await ch.insert({ table: 'kept', values: Array.from({ length: 1_000 }, (_, id) => ({ id, channel: `c${id % 7}` })), format: 'JSONEachRow' });
    await ch.close();
    const pid = livePid(dir, 'clickhouse');
    await stackDown(services, { env });
    assert.equal(livePid(dir, 'clickhouse'), null);
    assert.equal(await services[0]!.healthy(), false, 'down means down');
    await stackUp(services, { env });
    assert.notEqual(livePid(dir, 'clickhouse'), pid, 'a new server process');
    const after = await overHttp("SELECT count(), sum(id), uniqExact(channel) FROM kept", 'default', passwords.default);
    assert.equal(after.body, '1000\t499500\t7\n');
  });
});
