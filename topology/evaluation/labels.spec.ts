import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputFormatError } from '../../core/errors.ts';
import { channelKey, parseLabels } from './labels.ts';

// 2023-11-14T22:13:20Z is epoch 1,700,000,000 s; the same instant is 23:13:20 at +01:00.
const T = 1_700_000_000_000;

function refused(text: string, file: string, where: string | null, message: RegExp): void {
  assert.throws(() => parseLabels(text, file), (error: unknown) => {
    assert.ok(error instanceof InputFormatError, String(error));
    assert.equal(error.file, file);
    assert.equal(error.where, where);
    assert.match(error.message, message);
    return true;
  });
}

describe('channelKey', () => {
  it('lower-cases and drops the IRC #', () => {
    assert.equal(channelKey('#XQC'), 'xqc');
    assert.equal(channelKey(' Shroud '), 'shroud');
  });
});

describe('parseLabels, CSV', () => {
  it('reads an empty file as no labels', () => {
    assert.deepEqual(parseLabels('', 'l.csv'), []);
    assert.deepEqual(parseLabels('\n\n', 'l.csv'), []);
  });

  it('reads one line without a header', () => {
    assert.deepEqual(parseLabels(`xqc,${T},${T + 30_000}`, 'l.csv'), [{ channel: 'xqc', startMs: T, endMs: T + 30_000 }]);
  });

  it('skips the header and blank lines, takes epoch ms and ISO times with a zone, quotes, CRLF and extra columns', () => {
    const text = [
      'Channel,Start,End',
      `"#XQC", ${T}, ${T + 1}`,
      '',
      // 22:13:20Z + 30 s = T + 30,000; 23:14:20+01:00 = 22:14:20Z = T + 60,000.
      'shroud,2023-11-14T22:13:50Z,2023-11-14T23:14:20+01:00,great clutch',
      // a start equal to its end is one instant, allowed
      `xqc,2023-11-14T22:13:20.500Z,${T + 500}\r`,
    ].join('\r\n');
    assert.deepEqual(parseLabels(text, 'l.csv'), [
      { channel: 'xqc', startMs: T, endMs: T + 1 },
      { channel: 'shroud', startMs: T + 30_000, endMs: T + 60_000 },
      { channel: 'xqc', startMs: T + 500, endMs: T + 500 },
    ]);
  });

  it('names the file and line of a bad row', () => {
    refused(`channel,start,end\nxqc,${T},${T + 1}\nxqc,soon,${T}`, 'l.csv', 'line 3', /^l\.csv line 3: start must be epoch ms or an ISO-8601 time, got "soon"$/);
    refused(`xqc,${T + 1},${T}`, 'l.csv', 'line 1', new RegExp(`start \\(${T + 1}\\) must be <= end \\(${T}\\)`));
    refused('\n\nxqc,2023-11-14T22:13:20,2023-11-14T22:14:20Z', 'l.csv', 'line 3', /start needs a time zone \(Z or \+hh:mm\)/);
    refused('xqc,2023-11-14T25:13:20Z,2023-11-14T22:14:20Z', 'l.csv', 'line 1', /start is not a valid time/);
    refused(`xqc,${T}`, 'l.csv', 'line 1', /must be channel,start,end/);
    refused(`,${T},${T}`, 'l.csv', 'line 1', /channel must be a non-empty login/);
    // 1,700,000,000 is epoch seconds; as ms it is 1970-01-20.
    refused(`xqc,1700000000,1700000030`, 'l.csv', 'line 1', /start 1700000000 is before 2001: times are epoch ms \(is it in seconds\?\)/);
    refused('xqc,1999-12-31T23:59:59Z,2000-01-01T00:00:10Z', 'l.csv', 'line 1', /start 946684799000 is before 2001/);
    // 1,000,000,000,000 ms is 2001-09-09T01:46:40Z, the first instant allowed
    assert.deepEqual(parseLabels('xqc,1000000000000,2001-09-09T01:46:40Z', 'l.csv'), [{ channel: 'xqc', startMs: 1e12, endMs: 1e12 }]);
    // a header is only a header on the first row
    refused(`xqc,${T},${T}\nchannel,start,end`, 'l.csv', 'line 2', /start must be epoch ms/);
  });
});

describe('parseLabels, JSON', () => {
  it('reads highlights per channel and ignores other fields (a helix clips --out file)', () => {
    const doc = [
      { channel: 'XQC', highlights: [[T, T + 30_000], [T + 60_000, T + 61_000]], moments: [{ clipId: 'a' }] },
      { channel: 'shroud', highlights: [] },
    ];
    assert.deepEqual(parseLabels(`\n  ${JSON.stringify(doc)}`, 'l.json'), [
      { channel: 'xqc', startMs: T, endMs: T + 30_000 },
      { channel: 'xqc', startMs: T + 60_000, endMs: T + 61_000 },
    ]);
    assert.deepEqual(parseLabels('[]', 'l.json'), []);
  });

  it('names the file and entry (from 1) of a bad one', () => {
    refused('[{"channel": "xqc", "highlights": []', 'l.json', null, /^l\.json: is not valid JSON/);
    refused('{"channel": "xqc", "highlights": []}', 'l.json', null, /must be a JSON array/);
    refused('[{"channel": "xqc", "highlights": []}, 5]', 'l.json', 'entry 2', /must be an object/);
    refused('[{"highlights": []}]', 'l.json', 'entry 1', /"channel" must be a non-empty login/);
    refused('[{"channel": "xqc"}]', 'l.json', 'entry 1', /"highlights" must be an array/);
    refused(`[{"channel": "xqc", "highlights": [[${T}, ${T}], [${T}]]}]`, 'l.json', 'entry 1 (xqc), highlights[1]', /must be \[startMs, endMs\] in epoch ms, got \[1700000000000\]/);
    refused(`[{"channel": "xqc", "highlights": [["${T}", ${T}]]}]`, 'l.json', 'entry 1 (xqc), highlights[0]', /must be \[startMs, endMs\]/);
    refused(`[{"channel": "xqc", "highlights": [[${T + 1}, ${T}]]}]`, 'l.json', 'entry 1 (xqc), highlights[0]', /start .* must be <= end/);
    refused(`[{"channel": "xqc", "highlights": [[${T}, ${T}]]}, {"channel": "a", "highlights": [[${T}, 1700000030]]}]`, 'l.json', 'entry 2 (a), highlights[0]', /end 1700000030 is before 2001/);
  });
});
