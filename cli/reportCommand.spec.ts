import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, UnavailableError, UsageError } from '../core/errors.ts';
import { parseSinceMs, parseUntilSeconds, reportCommand } from './reportCommand.ts';

describe('report command options', () => {
  it('reads --since in days, hours or minutes', () => {
    assert.equal(parseSinceMs('7d'), 7 * 86_400_000);
    assert.equal(parseSinceMs('36h'), 36 * 3_600_000);
    assert.equal(parseSinceMs('90m'), 90 * 60_000);
    for (const bad of ['7', '1w', '-1d', '1.5d', '']) assert.throws(() => parseSinceMs(bad), ConfigError, bad);
  });

  it('reads --until as a date, an ISO time or epoch seconds; now by default', () => {
    assert.equal(parseUntilSeconds(undefined, () => 1_715_558_400_999), 1_715_558_400);
    assert.equal(parseUntilSeconds('2024-05-13', Date.now), 1_715_558_400);
    assert.equal(parseUntilSeconds('2024-05-13T12:00:00Z', Date.now), 1_715_558_400 + 43_200);
    assert.equal(parseUntilSeconds('1715558400', Date.now), 1_715_558_400);
    assert.throws(() => parseUntilSeconds('next tuesday', Date.now), ConfigError);
  });

  it('refuses a missing channel, unknown sections and formats before touching ClickHouse', async () => {
    await assert.rejects(reportCommand([]), UsageError);
    await assert.rejects(reportCommand(['--channel', 'xqc', '--only', 'heatmap,gossip']), UsageError);
    await assert.rejects(reportCommand(['--channel', 'xqc', '--format', 'xml']), UsageError);
    await assert.rejects(reportCommand(['--channel', 'xqc', '--top', '0']), ConfigError);
  });

  it('reports an unreachable ClickHouse as a retriable UnavailableError', async () => {
    const saved = process.env.CLICKHOUSE_URL;
    // Port 9 (discard) is closed on the test machine: the connection is refused at once.
    process.env.CLICKHOUSE_URL = 'http://127.0.0.1:9';
    try {
      await assert.rejects(reportCommand(['--channel', 'xqc']), (e: unknown) => e instanceof UnavailableError && e.retriable && e.context.service === 'clickhouse');
    } finally {
      if (saved === undefined) delete process.env.CLICKHOUSE_URL;
      else process.env.CLICKHOUSE_URL = saved;
    }
  });
});
