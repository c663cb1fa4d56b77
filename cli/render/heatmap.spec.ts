import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { displayWidth } from './table.ts';
import { renderHeatmap } from './heatmap.ts';

describe('renderHeatmap', () => {
  it('draws 7 days × 24 hours, shaded by quarter of the busiest hour, with day totals', () => {
    const lines = renderHeatmap([
      { dayOfWeek: 1, hour: 0, value: 100 },
      { dayOfWeek: 1, hour: 1, value: 75 },
      { dayOfWeek: 1, hour: 2, value: 50 },
      { dayOfWeek: 1, hour: 3, value: 1 },
      { dayOfWeek: 7, hour: 23, value: 26 },
    ], 'messages').split('\n');
    assert.equal(lines.length, 1 + 7 + 1);
    assert.match(lines[0]!, /^ {5}00 {4}03 {4}06 .* 21$/);
    assert.equal(lines[1], `Mon  ██▓▓▒▒░░${'· '.repeat(20)}  226`);
    assert.equal(lines[7], `Sun  ${'· '.repeat(23)}▒▒  26`);
    for (const day of lines.slice(2, 7)) assert.match(day, /^(Tue|Wed|Thu|Fri|Sat) {2}(· ){24} {2}0$/);
    assert.match(lines[8]!, /busiest hour \(100 messages\)/);
    const gridWidths = lines.slice(1, 8).map((l) => displayWidth(l.slice(0, 5 + 48)));
    assert.ok(gridWidths.every((w) => w === 53), 'every row is 24 two-column cells wide');
  });

  it('draws an empty grid for no cells, and ignores cells outside the week', () => {
    const text = renderHeatmap([{ dayOfWeek: 0, hour: 5, value: 9 }, { dayOfWeek: 8, hour: 1, value: 9 }, { dayOfWeek: 2, hour: 24, value: 9 }], 'messages');
    assert.equal(text.split('\n').filter((l) => /^[A-Z][a-z]{2} {2}(· ){24} {2}0$/.test(l)).length, 7);
    assert.match(text, /\(0 messages\)/);
  });
});
