import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { REPO_ROOT } from '../core/config.ts';
import type { CommandSpec, OptionSpec } from './args.ts';
import { COMMANDS } from './commands/index.ts';
import { main } from './main.ts';
import { briefSynopsis, namedUsage, readmeTable } from './usage.ts';

/** The declarations with actions that record their calls instead of loading anything. */
function recording(): { commands: CommandSpec[]; calls: Array<{ name: string; argv: readonly string[] }> } {
  const calls: Array<{ name: string; argv: readonly string[] }> = [];
  const commands = COMMANDS.map((c) => ({
    ...c,
    load: async () => async (argv: readonly string[]) => {
      calls.push({ name: c.name, argv });
      return 0;
    },
  }));
  return { commands, calls };
}

/** Runs `main` with console output captured. */
async function run(t: TestContext, argv: readonly string[], commands: readonly CommandSpec[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  t.mock.method(console, 'log', (...args: unknown[]) => out.push(args.join(' ')));
  t.mock.method(console, 'error', (...args: unknown[]) => err.push(args.join(' ')));
  try {
    const code = await main(argv, commands);
    return { code, stdout: out.join('\n'), stderr: err.join('\n') };
  } finally {
    t.mock.restoreAll();
  }
}

/** A command line the declaration accepts: its name, the required positionals and options. */
function validArgv(spec: CommandSpec): string[] {
  const argv = spec.name.split(' ');
  for (const p of spec.positionals ?? []) if (p.required) argv.push(p.choices?.[0] ?? 'x');
  for (const [name, o] of Object.entries(spec.options)) if (o.required) argv.push(`--${name}`, name === spec.when ? 's3://bucket/topic' : 'x');
  return argv;
}

const label = (spec: CommandSpec) => spec.when ? `${spec.name} --${spec.when}` : spec.name;

describe('twitch-pulse main (the command table, in-process)', () => {
  it('answers --help and -h of every command with its usage on stdout, exit 0, running nothing', async (t) => {
    const { commands, calls } = recording();
    for (const spec of commands) {
      for (const help of ['--help', '-h']) {
        // Help wins over a command line that is otherwise wrong.
        const result = await run(t, [...validArgv(spec), '--no-such-option', help], commands);
        assert.equal(result.code, 0, `${label(spec)} ${help}: ${result.stderr}`);
        assert.equal(result.stdout, namedUsage(commands, spec.name));
        assert.match(result.stdout, new RegExp(`^usage: twitch-pulse ${label(spec)}`, 'm'));
        assert.equal(result.stderr, '');
      }
    }
    assert.deepEqual(calls, []);
  });

  it('answers --help of a command family (helix) with each member\'s usage', async (t) => {
    const { commands, calls } = recording();
    const result = await run(t, ['helix', '--help'], commands);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /^usage: twitch-pulse helix sweep/m);
    assert.match(result.stdout, /^usage: twitch-pulse helix clips/m);
    const wrong = await run(t, ['helix', 'sweeps'], commands);
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /^twitch-pulse helix: expected sweep or clips, got "sweeps"$/m);
    assert.deepEqual(calls, []);
  });

  it('lists every command for --help, -h and help; usage on stderr and exit 2 without a command', async (t) => {
    const { commands } = recording();
    for (const argv of [['--help'], ['-h'], ['help']]) {
      const result = await run(t, argv, commands);
      assert.equal(result.code, 0);
      for (const spec of commands) assert.ok(result.stdout.includes(`  ${briefSynopsis(spec)}\n`), `${argv[0]} lists ${label(spec)}`);
    }
    const none = await run(t, [], commands);
    assert.equal(none.code, 2);
    assert.equal(none.stdout, '');
    assert.match(none.stderr, /^usage: twitch-pulse <command>/m);
    const unknown = await run(t, ['destroy'], commands);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown command "destroy"/);
  });

  it('hands a valid command line to the command, without the command\'s name', async (t) => {
    const { commands, calls } = recording();
    for (const spec of commands) {
      const argv = validArgv(spec);
      assert.equal((await run(t, argv, commands)).code, 0, label(spec));
      assert.deepEqual(calls.pop(), { name: spec.name, argv: argv.slice(spec.name.split(' ').length) });
    }
  });

  it('refuses an unknown option of every command with exit 2, naming it, running nothing', async (t) => {
    const { commands, calls } = recording();
    for (const spec of commands) {
      const result = await run(t, [...validArgv(spec), '--thread', '4'], commands);
      assert.equal(result.code, 2, label(spec));
      assert.match(result.stderr, new RegExp(`^twitch-pulse ${spec.name}: unknown option --thread$`, 'm'));
      assert.match(result.stderr, new RegExp(`^usage: twitch-pulse ${spec.name}`, 'm'));
      assert.equal(result.stdout, '');
    }
    assert.deepEqual(calls, []);
  });

  it('refuses a bad number or duration of every option that takes one with exit 2, naming it', async (t) => {
    const { commands, calls } = recording();
    const numeric = (o: OptionSpec) => o.type === 'integer' || o.type === 'number' || o.type === 'duration';
    let checked = 0;
    for (const spec of commands) {
      for (const [name] of Object.entries(spec.options).filter(([, o]) => numeric(o))) {
        const result = await run(t, [...validArgv(spec), `--${name}`, 'lots'], commands);
        assert.equal(result.code, 2, `${label(spec)} --${name}`);
        assert.match(result.stderr, new RegExp(`^twitch-pulse ${spec.name}: --${name} must be an? (integer|number|duration)\\b.*, got "lots"$`, 'm'));
        checked++;
      }
    }
    assert.ok(checked >= 20, `${checked} numeric options`);
    assert.deepEqual(calls, []);
  });

  it('writes the README\'s command table exactly as the declarations render it', () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    const section = readme.split(/^## /m).find((s) => s.startsWith('The `twitch-pulse` command\n'));
    assert.ok(section, 'README has the section "## The `twitch-pulse` command"');
    const table = section.split('\n').filter((line) => line.startsWith('|')).join('\n');
    // On a mismatch, the expected side is the table to paste into the README.
    assert.equal(table, readmeTable(COMMANDS));
  });
});
