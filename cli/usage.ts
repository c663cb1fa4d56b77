import type { CommandSpec, OptionSpec } from './args.ts';

const WIDTH = 100;

const PLACEHOLDERS: Record<OptionSpec['type'], string> = { string: 'VALUE', boolean: '', integer: 'N', number: 'N', duration: 'DURATION', list: 'A,B' };

/** What stands for an option's value in a synopsis: its placeholder, else its default, else its type's. */
function synopsisValue(o: OptionSpec): string {
  return o.value ?? (o.default ? o.default : PLACEHOLDERS[o.type]);
}

function flag(name: string, o: OptionSpec, value: string): string {
  return o.type === 'boolean' ? `--${name}` : `--${name} ${value}`;
}

/**
 * The command's synopsis as parts (one per argument or bracketed group), without the program
 * name: all options, or with `brief` only those marked brief and the required ones.
 */
function synopsisParts(spec: CommandSpec, brief: boolean): string[] {
  const options = Object.entries(spec.options);
  const shown = new Set(options.filter(([name, o]) => !brief || o.brief || o.required || name === spec.when).map(([name]) => name));
  const parts = [spec.name];
  if (spec.when) parts.push(flag(spec.when, spec.options[spec.when]!, synopsisValue(spec.options[spec.when]!)));
  for (const p of spec.positionals ?? []) parts.push(p.required ? p.name : `[${p.name}]`);
  const done = new Set<string>(spec.when ? [spec.when] : []);
  for (const [name, o] of options) {
    if (!shown.has(name) || done.has(name)) continue;
    done.add(name);
    const text = flag(name, o, synopsisValue(o));
    if (o.required) {
      parts.push(text);
      continue;
    }
    const pair = spec.exclusive?.find((p) => p.includes(name));
    const other = pair?.find((n) => n !== name);
    if (other !== undefined && shown.has(other) && !done.has(other)) {
      done.add(other);
      const o2 = spec.options[other]!;
      parts.push(`[${text} | ${flag(other, o2, synopsisValue(o2))}]`);
    } else {
      parts.push(`[${text}]`);
    }
  }
  return parts;
}

/**
 * One line: `stack up|down|status`, `analyze FILE|- [--window 60s] …`, with the options marked
 * brief (and required ones): the form of `twitch-pulse --help` and the README.
 */
export function briefSynopsis(spec: CommandSpec): string {
  return synopsisParts(spec, true).join(' ');
}

/** `words` in lines of at most `width` characters, each line after the first indented by `indent`. */
function wrap(words: readonly string[], width: number, indent: string, first = ''): string {
  const lines: string[] = [];
  let line = first;
  for (const word of words) {
    const blank = line === first || line === indent;
    if (!blank && line.length + 1 + word.length > width) {
      lines.push(line);
      line = indent + word;
    } else {
      line = blank ? line + word : `${line} ${word}`;
    }
  }
  lines.push(line);
  return lines.join('\n');
}

/** `usage: twitch-pulse …` with every option, wrapped; what a usage error prints. */
export function usageLine(spec: CommandSpec): string {
  const head = 'usage: twitch-pulse ';
  return wrap(synopsisParts(spec, false), WIDTH, ' '.repeat(head.length), head);
}

/**
 * A command's `--help`: the usage line, the summary and one line per option with its default.
 *
 * @example commandUsage(ANALYZE) // 'usage: twitch-pulse analyze FILE|- [--window 60s] …'
 */
export function commandUsage(spec: CommandSpec): string {
  const rows: Array<[string, string]> = Object.entries(spec.options).map(([name, o]) => [
    `${o.short ? `-${o.short}, ` : ''}${flag(name, o, o.value ?? PLACEHOLDERS[o.type])}`,
    `${o.description}${o.required ? ' (required)' : o.default ? ` (default ${o.default})` : ''}`,
  ]);
  rows.push(['-h, --help', 'print this help']);
  const left = Math.max(...rows.map(([l]) => l.length)) + 4;
  const options = rows.map(([l, d]) => wrap(d.split(' '), WIDTH, ' '.repeat(left), `  ${l}`.padEnd(left)));
  return [usageLine(spec), '', wrap(spec.summary.split(' '), WIDTH, ''), '', 'options:', ...options].join('\n');
}

/** The usage of every declaration named `name` (`replay` has two), for `twitch-pulse replay --help`. */
export function namedUsage(commands: readonly CommandSpec[], name: string): string {
  return commands.filter((c) => c.name === name).map(commandUsage).join('\n\n');
}

/** `twitch-pulse --help`: every command's brief synopsis and summary, in the declarations' order. */
export function programUsage(commands: readonly CommandSpec[]): string {
  const entries = commands.map((c) => `  ${briefSynopsis(c)}\n${wrap(c.summary.split(' '), WIDTH, '      ', '      ')}`);
  return [
    'twitch-pulse — live engagement analytics from public Twitch activity',
    '',
    'usage: twitch-pulse <command> [options]',
    '       twitch-pulse <command> --help     a command\'s options',
    '',
    'commands:',
    ...entries,
    '',
    'Configuration comes from the environment; see the README\'s table.',
  ].join('\n');
}

/**
 * The README's command table (section "The `twitch-pulse` command"): one row per declaration,
 * its brief synopsis and summary, `|` escaped for Markdown.
 */
export function readmeTable(commands: readonly CommandSpec[]): string {
  const cell = (text: string) => text.replaceAll('|', '\\|');
  return [
    '| command | what it does |',
    '| --- | --- |',
    ...commands.map((c) => `| ${cell(`\`twitch-pulse ${briefSynopsis(c)}\``)} | ${cell(c.summary)} |`),
  ].join('\n');
}
