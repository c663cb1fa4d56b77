import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, UnavailableError, UsageError } from '../core/errors.ts';
import { REPORT_SECTION_NAMES } from './commands/report.ts';
import { REPORT_SECTIONS } from './render/report.ts';
import { parseUntilSeconds, reportCommand } from './reportCommand.ts';

describe('report command options', () => {
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
    await assert.rejects(reportCommand(['--channel', 'xqc', '--top', '0']), UsageError);
    await assert.rejects(reportCommand(['--channel', 'xqc', '--top', '5000']), ConfigError);
    await assert.rejects(reportCommand(['--channel', 'xqc', '--since', '1w']), UsageError);
  });

  it('declares --only with exactly the sections the report has', () => {
    assert.deepEqual([...REPORT_SECTION_NAMES], Object.keys(REPORT_SECTIONS));
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
