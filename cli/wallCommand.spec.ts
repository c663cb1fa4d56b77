import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, UsageError } from '../core/errors.ts';
import { startCommand, statusLine, wallCommand } from './wallCommand.ts';

describe('statusLine', () => {
  it('shows messages per second in, windows out and the hypes in progress, or none', () => {
    assert.equal(statusLine({ messagesPerSec: 0, windowsOut: 0, hypes: [] }), '    0.0 msgs/s in        0 windows out  hype: none');
    assert.equal(statusLine({ messagesPerSec: 123.45, windowsOut: 12345, hypes: ['#a 600/min', '#b 90/min'] }, '  joined 2/2'), '  123.5 msgs/s in   12,345 windows out  hype: #a 600/min, #b 90/min  joined 2/2');
  });
});

describe('start and wall options', () => {
  it('refuse a bad port or speed before starting anything', async () => {
    await assert.rejects(startCommand(['--port', '70000']), UsageError);
    await assert.rejects(startCommand(['--port', '0', '--speed', '0']), UsageError);
    await assert.rejects(wallCommand(['--port', 'x']), UsageError);
    await assert.rejects(startCommand(['--channels', 'not a login']), ConfigError);
    await assert.rejects(wallCommand(['--demo', '--lookback', '10m']), UsageError);
  });
});
