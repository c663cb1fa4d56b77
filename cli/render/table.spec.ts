import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { displayWidth, pad, renderTable } from './table.ts';

describe('displayWidth', () => {
  it('counts terminal columns, not UTF-16 code units', () => {
    const cases: Array<[string, number]> = [
      ['xqc', 3], ['', 0], ['привет', 6], ['日本語', 6], ['ｗｗ', 4], ['한국어', 6],
      ['🎉', 2], ['👍🏽', 2], ['👨‍👩‍👧', 2], ['🇩🇪', 2], ['❤️', 2], ['❤', 1], ['⚡', 2],
      ['e\u0301', 1], ['\u200b', 0], ['gg 🎉 日本', 10],
    ];
    for (const [text, width] of cases) assert.equal(displayWidth(text), width, JSON.stringify(text));
  });

  it('pads to a display width, left or right, and never cuts', () => {
    assert.equal(pad('日本', 6), '日本  ');
    assert.equal(pad('7', 3, 'right'), '  7');
    assert.equal(pad('toolong', 3), 'toolong');
  });
});

describe('renderTable', () => {
  it('aligns columns by display width, with wide characters and emoji', () => {
    const table = renderTable(
      [{ header: 'chatter' }, { header: 'messages', align: 'right' }, { header: 'note' }],
      [['日本語', '1', 'gg'], ['🎉party', '22', ''], ['xqc', '333', 'привет']],
    );
    assert.equal(table, [
      'chatter  messages  note',
      '───────  ────────  ──────',
      '日本語          1  gg',
      '🎉party        22',
      'xqc           333  привет',
    ].join('\n'));
    const numberEnds = table.split('\n').slice(2).map((line, i) => {
      const count = ['1', '22', '333'][i]!;
      return displayWidth(line.slice(0, line.indexOf(count) + count.length));
    });
    assert.deepEqual(numberEnds, [17, 17, 17], 'the right-aligned column ends at the same terminal column');
  });

  it('prints the header alone for no rows, and pads short rows', () => {
    assert.equal(renderTable([{ header: 'a' }, { header: 'bb' }], []), 'a  bb\n─  ──');
    assert.equal(renderTable([{ header: 'a' }, { header: 'b', align: 'right' }], [['x']]), 'a  b\n─  ─\nx');
  });
});
