import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError } from '../core/errors.ts';
import { parseArgs, stringOption } from './args.ts';

describe('parseArgs', () => {
  it('splits positionals, --name value, --name=value and flags', () => {
    const a = parseArgs(['replay', 'file.log', '--speed', '4', '--window=60s', '--max', '-'], ['max']);
    assert.deepEqual(a.positionals, ['replay', 'file.log', '-']);
    assert.equal(a.options.get('speed'), '4');
    assert.equal(a.options.get('window'), '60s');
    assert.equal(a.options.get('max'), true);
  });

  it('treats an option without a value as a flag and refuses it where a value is needed', () => {
    const a = parseArgs(['--channels']);
    assert.equal(a.options.get('channels'), true);
    assert.throws(() => stringOption(a, 'channels'), UsageError);
    assert.equal(stringOption(a, 'other', 'x'), 'x');
  });
});
