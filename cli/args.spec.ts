import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError } from '../core/errors.ts';
import { defineCommand, durationOption, namedOptions, numberOption, parseCommandLine } from './args.ts';

const never = async () => async () => 1;

const SPEC = defineCommand({
  name: 'try',
  positionals: [{ name: 'FILE|-', required: true }],
  options: {
    speed: { type: 'number', above: 0, value: 'N', description: 'speed' },
    max: { type: 'boolean', description: 'flat out' },
    count: { type: 'integer', min: 1, default: '10', description: 'count' },
    every: { type: 'duration', default: '60s', description: 'period' },
    topics: { type: 'list', description: 'topics' },
    format: { type: 'string', choices: ['table', 'json'], default: 'table', description: 'format' },
    out: { type: 'string', short: 'o', description: 'out' },
  },
  exclusive: [['speed', 'max']],
  summary: 'a command for this spec',
  load: never,
});

/** The message of the UsageError that parsing `argv` throws. */
function refusal(argv: string[]): string {
  try {
    parseCommandLine(SPEC, argv);
  } catch (error) {
    assert.ok(error instanceof UsageError, `${argv.join(' ')}: ${String(error)}`);
    return error.message;
  }
  assert.fail(`${argv.join(' ')} was accepted`);
}

describe('parseCommandLine', () => {
  it('types values, fills defaults and reports which options were given', () => {
    const line = parseCommandLine(SPEC, ['chat.log', '--speed', '2.5', '--count=3', '--topics', 'a, b,,c', '-o', '-', '--format', 'json']);
    assert.deepEqual(line.positionals, ['chat.log']);
    assert.deepEqual(line.values, { speed: 2.5, max: false, count: 3, every: 60_000, topics: ['a', 'b', 'c'], format: 'json', out: '-' });
    assert.deepEqual([...line.given].sort(), ['count', 'format', 'out', 'speed', 'topics']);
    assert.deepEqual(parseCommandLine(SPEC, ['-', '--max']).values, { speed: undefined, max: true, count: 10, every: 60_000, topics: undefined, format: 'table', out: undefined });
  });

  it('refuses an unknown option, naming it', () => {
    assert.equal(refusal(['f', '--thread', '4']), 'unknown option --thread');
    assert.equal(refusal(['f', '-x']), 'unknown option -x');
  });

  it('refuses a missing, unwanted or dash-led value, naming the option', () => {
    assert.equal(refusal(['f', '--out']), '--out needs a value');
    assert.equal(refusal(['f', '--max=yes']), '--max takes no value, got "yes"');
    assert.match(refusal(['f', '--out', '--max']), /^--out needs a value/);
    assert.match(refusal(['f', '--count', '-1']), /^--count needs a value; write --count=-1/);
  });

  it('refuses bad numbers, durations, lists and choices, naming the option and its bound', () => {
    assert.equal(refusal(['f', '--count', 'x']), '--count must be an integer >= 1, got "x"');
    assert.equal(refusal(['f', '--count', '2.5']), '--count must be an integer >= 1, got "2.5"');
    assert.equal(refusal(['f', '--count=0']), '--count must be an integer >= 1, got "0"');
    assert.equal(refusal(['f', '--speed', '0']), '--speed must be a number > 0, got "0"');
    assert.equal(refusal(['f', '--speed', 'fast']), '--speed must be a number > 0, got "fast"');
    assert.equal(refusal(['f', '--every', 'soon']), '--every must be a duration like 500ms, 10s, 1m, 1h or 7d, got "soon"');
    assert.equal(refusal(['f', '--topics', ',']), '--topics needs at least one item, got ","');
    assert.equal(refusal(['f', '--format', 'yaml']), '--format must be table or json, got "yaml"');
  });

  it('refuses options that exclude each other, and missing or extra positionals', () => {
    assert.equal(refusal(['f', '--speed', '2', '--max']), '--speed and --max exclude each other');
    assert.equal(refusal([]), 'missing FILE|-');
    assert.equal(refusal(['a', 'b']), 'unexpected argument "b"');
  });

  it('refuses a missing required option and a positional outside its choices', () => {
    const spec = defineCommand({
      name: 'pick', positionals: [{ name: 'up|down', required: true, choices: ['up', 'down'] }],
      options: { labels: { type: 'string', required: true, description: 'labels' } }, summary: 's', load: never,
    });
    assert.throws(() => parseCommandLine(spec, ['up']), { name: 'UsageError', message: '--labels is required' });
    assert.throws(() => parseCommandLine(spec, ['sideways', '--labels', 'l']), { name: 'UsageError', message: 'expected up or down, got "sideways"' });
    assert.equal(parseCommandLine(spec, ['down', '--labels', 'l']).values.labels, 'l');
  });

  it('takes words after -- as positionals', () => {
    assert.deepEqual(parseCommandLine(SPEC, ['--', '--help']).positionals, ['--help']);
  });
});

describe('namedOptions', () => {
  it('finds --help and -h as options, not as a value or after --', () => {
    assert.ok(namedOptions(SPEC, ['f', '--help']).has('help'));
    assert.ok(namedOptions(SPEC, ['-h', '--bogus']).has('help'));
    assert.ok(!namedOptions(SPEC, ['f', '--out', '-h']).has('help'));
    assert.ok(!namedOptions(SPEC, ['--', '--help']).has('help'));
  });
});

describe('numberOption and durationOption', () => {
  it('read decimal numbers within bounds', () => {
    assert.equal(numberOption('port', '8787', { integer: true, min: 0, max: 65_535 }), 8787);
    assert.equal(numberOption('speed', '0.5', { above: 0 }), 0.5);
    assert.throws(() => numberOption('port', '70000', { integer: true, min: 0, max: 65_535 }), { message: '--port must be an integer in 0..65535, got "70000"' });
    for (const bad of ['', ' ', '1e3', '0x10', 'Infinity', 'NaN']) assert.throws(() => numberOption('n', bad, {}), UsageError, bad);
  });

  it('read ms, seconds, minutes, hours, days and bare ms', () => {
    assert.equal(durationOption('d', '500ms'), 500);
    assert.equal(durationOption('d', '10s'), 10_000);
    assert.equal(durationOption('d', '1.5m'), 90_000);
    assert.equal(durationOption('d', '2h'), 7_200_000);
    assert.equal(durationOption('d', '7d'), 7 * 86_400_000);
    assert.equal(durationOption('d', '250'), 250);
    for (const bad of ['', '1w', '-1d', 'd', '5 m']) assert.throws(() => durationOption('d', bad), UsageError, bad);
  });
});
