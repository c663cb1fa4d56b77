import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GrafanaDefinitionError } from '../core/errors.ts';
import { expandMacros, referencedVariables, type MacroContext } from './sqlMacros.ts';

const ctx: MacroContext = { fromMs: 1_715_000_000_999, toMs: 1_715_003_600_500, intervalMs: 15_900, variables: { channel: ['xqc', "o'brien"], game: ['Chess'] } };

describe('expandMacros (what the ClickHouse plugin sends)', () => {
  it('expands $__timeFilter into an inclusive range of whole seconds, truncated as the plugin does', () => {
    assert.equal(expandMacros('WHERE $__timeFilter(window_start)', ctx), 'WHERE window_start >= toDateTime(1715000000) AND window_start <= toDateTime(1715003600)');
  });

  it('expands $__fromTime, $__toTime and $__interval_s (whole seconds, at least 1)', () => {
    assert.equal(expandMacros('$__fromTime $__toTime $__interval_s', ctx), 'toDateTime(1715000000) toDateTime(1715003600) 15');
    assert.equal(expandMacros('intDiv($__interval_s, 10)', { ...ctx, intervalMs: 200 }), 'intDiv(1, 10)');
  });

  it('quotes a multi-value variable with singlequote, escaping quotes; a single value goes in raw', () => {
    assert.equal(expandMacros('channel IN (${channel:singlequote})', ctx), "channel IN ('xqc','o\\'brien')");
    assert.equal(expandMacros("game = '$game' OR game = '${game}'", ctx), "game = 'Chess' OR game = 'Chess'");
  });

  it('refuses macros the plugin lacks or that ClickHouse 18.16 cannot run, unknown variables and wrong arguments', () => {
    for (const sql of ['$__timeInterval(t)', '$__timeFilter_ms(t)', '$__fromTime_ms', '$__nope', '$__timeFilter(a, b)', '$__timeFilter()', 'x = $missing', 'x IN (${channel})', '${game:csv}']) {
      assert.throws(() => expandMacros(sql, ctx), GrafanaDefinitionError, sql);
    }
  });

  it('lists the variables a query refers to, not the macros', () => {
    assert.deepEqual(referencedVariables('WHERE $__timeFilter(t) AND c IN (${channel:singlequote}) AND g = $game AND h = ${game}'), ['channel', 'game']);
  });
});
