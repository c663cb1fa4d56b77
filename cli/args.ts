import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import { UsageError } from '../core/errors.ts';

/**
 * How an option's text becomes a value: `string` as given, `boolean` a flag without a value,
 * `integer` and `number` decimal numbers ({@link numberOption}), `duration` ms
 * ({@link durationOption}), `list` the non-empty items of a comma-separated list.
 */
export type OptionType = 'string' | 'boolean' | 'integer' | 'number' | 'duration' | 'list';

/** One `--name` of a command: how it parses, what it is for, its bounds. */
export interface OptionSpec {
  readonly type: OptionType;
  /** One-letter alias, used as `-x`. */
  readonly short?: string;
  /** The value when the option is not given, as it would be typed (`60s`, `10000`); parsed like a given value. */
  readonly default?: string;
  /** Placeholder in usage, e.g. `N`, `LOGIN`, `a,b`. */
  readonly value?: string;
  /** One line: what the option does. */
  readonly description: string;
  readonly required?: boolean;
  /** The only values a `string` takes. */
  readonly choices?: readonly string[];
  /** A `string` must match this; `patternText` says what it means in the error. */
  readonly pattern?: RegExp;
  readonly patternText?: string;
  /** Inclusive bounds of an `integer` or `number`. */
  readonly min?: number;
  readonly max?: number;
  /** Exclusive lower bound of a `number`, e.g. 0 for "> 0". */
  readonly above?: number;
  /** Shown in the one-line synopsis of `twitch-pulse --help` and the README; every option is in the command's own usage. */
  readonly brief?: boolean;
}

/** A positional argument, in order. */
export interface PositionalSpec {
  /** As shown in usage: `FILE|-`, `TOPIC|ID`. */
  readonly name: string;
  readonly required?: boolean;
  /** The only words it takes (a subcommand such as `up`, `down`, `status`). */
  readonly choices?: readonly string[];
}

/** Runs a command on its arguments (after the command's name) and resolves to its exit code. */
export type CommandAction = (argv: readonly string[]) => Promise<number>;

/**
 * The one declaration of a command: from it come the `parseArgs` options, the usage text,
 * `twitch-pulse --help` and the README's command table.
 */
export interface CommandSpec<O extends Readonly<Record<string, OptionSpec>> = Readonly<Record<string, OptionSpec>>> {
  /** The words that name it: `analyze`, `helix sweep`. */
  readonly name: string;
  /**
   * An option that selects this declaration among those sharing its name, e.g. `from-archive`
   * for `replay --from-archive …`; the declaration without `when` is the default.
   */
  readonly when?: string;
  readonly positionals?: readonly PositionalSpec[];
  readonly options: O;
  /** Pairs of options that exclude each other. */
  readonly exclusive?: ReadonlyArray<readonly [string, string]>;
  /** One line, Markdown: what the command does (the README's "what it does"). */
  readonly summary: string;
  /** Loads the command's module only when it runs: some load kafkajs, arrow or parquet. */
  readonly load: () => Promise<CommandAction>;
}

type ValueOf<O extends OptionSpec> =
  O['type'] extends 'boolean' ? boolean
    : O['type'] extends 'list' ? string[]
      : O['type'] extends 'string' ? (O extends { readonly choices: ReadonlyArray<infer C> } ? C : string)
        : number;

/** The parsed values of options `S`: `undefined` where an option has no default and is not required. */
export type OptionValues<S extends Readonly<Record<string, OptionSpec>>> = {
  readonly [K in keyof S]: S[K] extends { readonly type: 'boolean' } | { readonly default: string } | { readonly required: true }
    ? ValueOf<S[K]>
    : ValueOf<S[K]> | undefined;
};

/** A command line read through its declaration. */
export interface CommandLine<S extends Readonly<Record<string, OptionSpec>>> {
  readonly values: OptionValues<S>;
  readonly positionals: readonly string[];
  /** The options given on the command line (not defaulted). */
  readonly given: ReadonlySet<string>;
}

/** Declares a command, keeping its option literals for {@link OptionValues}. */
export function defineCommand<const O extends Readonly<Record<string, OptionSpec>>>(spec: CommandSpec<O>): CommandSpec<O> {
  return spec;
}

const HELP: ParseArgsOptionsConfig = { help: { type: 'boolean', short: 'h' } };

function nodeOptions(options: Readonly<Record<string, OptionSpec>>): ParseArgsOptionsConfig {
  const config: ParseArgsOptionsConfig = { ...HELP };
  for (const [name, o] of Object.entries(options)) config[name] = { type: o.type === 'boolean' ? 'boolean' : 'string', ...(o.short ? { short: o.short } : {}) };
  return config;
}

/**
 * The options named in `argv`, read leniently (unknown ones included, values not checked): an
 * option's value or a word after `--` is not an option. `help` stands for `--help` and `-h`.
 */
export function namedOptions(spec: Pick<CommandSpec, 'options'>, argv: readonly string[]): Set<string> {
  const { tokens } = parseArgs({ args: [...argv], options: nodeOptions(spec.options), strict: false, allowPositionals: true, tokens: true });
  return new Set(tokens.flatMap((t) => (t.kind === 'option' ? [t.name] : [])));
}

/**
 * Reads `argv` (the words after the command's name) through its declaration, with `parseArgs`
 * in strict mode, and turns each option's text into its typed value.
 *
 * @throws UsageError naming the option or argument: an unknown option, a missing or unwanted
 *   value, a value of the wrong type or out of bounds, a missing required option, two options
 *   that exclude each other, a missing or extra positional.
 * @example
 * const { values, positionals } = parseCommandLine(ANALYZE, ['chat.log', '--window', '30s']);
 * values.window; // 30000
 */
export function parseCommandLine<S extends Readonly<Record<string, OptionSpec>>>(spec: CommandSpec<S>, argv: readonly string[]): CommandLine<S> {
  const config = nodeOptions(spec.options);
  let parsed: ReturnType<typeof parseArgs<{ options: ParseArgsOptionsConfig; allowPositionals: true; tokens: true; strict: true }>>;
  try {
    parsed = parseArgs({ args: [...argv], options: config, strict: true, allowPositionals: true, tokens: true });
  } catch (error) {
    throw tokenError(argv, config) ?? new UsageError((error as Error).message);
  }
  const given = new Set(parsed.tokens.flatMap((t) => (t.kind === 'option' && t.name !== 'help' ? [t.name] : [])));
  const values: Record<string, unknown> = {};
  for (const [name, option] of Object.entries(spec.options)) {
    const raw = parsed.values[name];
    if (option.type === 'boolean') values[name] = raw === true;
    else if (typeof raw === 'string') values[name] = optionValue(name, option, raw);
    else if (option.required) throw new UsageError(`--${name} is required`);
    else values[name] = option.default === undefined ? undefined : optionValue(name, option, option.default);
  }
  for (const [a, b] of spec.exclusive ?? []) if (given.has(a) && given.has(b)) throw new UsageError(`--${a} and --${b} exclude each other`);
  const declared = spec.positionals ?? [];
  const positionals = parsed.positionals;
  if (positionals.length > declared.length) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[declared.length])}`);
  declared.forEach((p, i) => {
    const word = positionals[i];
    if (word === undefined) {
      if (p.required) throw new UsageError(`missing ${p.name}`);
    } else if (p.choices && !p.choices.includes(word)) {
      throw new UsageError(`expected ${oneOf(p.choices)}, got ${JSON.stringify(word)}`);
    }
  });
  return { values: values as OptionValues<S>, positionals, given };
}

/** Why strict parsing refused `argv`, read from the lenient parse's tokens; null when none stands out. */
function tokenError(argv: readonly string[], config: ParseArgsOptionsConfig): UsageError | null {
  const { tokens } = parseArgs({ args: [...argv], options: config, strict: false, allowPositionals: true, tokens: true });
  for (const t of tokens) {
    if (t.kind !== 'option') continue;
    const type = config[t.name]?.type;
    if (type === undefined) return new UsageError(`unknown option ${t.rawName}`);
    if (type === 'boolean' && t.value !== undefined) return new UsageError(`${t.rawName} takes no value, got ${JSON.stringify(t.value)}`);
    if (type === 'string' && t.value === undefined) return new UsageError(`${t.rawName} needs a value`);
    // A value starting with a dash is taken only as `--name=-x`, so that a forgotten value
    // does not swallow the next option.
    if (type === 'string' && !t.inlineValue && t.value!.startsWith('-') && t.value !== '-') {
      return new UsageError(`${t.rawName} needs a value; write ${t.rawName}=${t.value} for one starting with -`);
    }
  }
  return null;
}

/** `a`, `a or b`, `a, b or c`. */
export function oneOf(words: readonly string[]): string {
  return words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`;
}

function optionValue(name: string, option: OptionSpec, text: string): unknown {
  switch (option.type) {
    case 'integer':
    case 'number':
      return numberOption(name, text, { integer: option.type === 'integer', min: option.min, max: option.max, above: option.above });
    case 'duration':
      return durationOption(name, text);
    case 'list': {
      const items = text.split(',').map((s) => s.trim()).filter(Boolean);
      if (items.length === 0) throw new UsageError(`--${name} needs at least one item, got ${JSON.stringify(text)}`);
      return items;
    }
    default:
      if (option.choices && !option.choices.includes(text)) throw new UsageError(`--${name} must be ${oneOf(option.choices)}, got ${JSON.stringify(text)}`);
      if (option.pattern && !option.pattern.test(text)) throw new UsageError(`--${name} must be ${option.patternText ?? `like ${option.pattern}`}, got ${JSON.stringify(text)}`);
      return text;
  }
}

/** Bounds of {@link numberOption}. */
export interface NumberBounds {
  /** Whole numbers only. */
  readonly integer?: boolean;
  readonly min?: number;
  readonly max?: number;
  /** Exclusive lower bound. */
  readonly above?: number;
}

/**
 * The number in an option's text, within its bounds: the one number parser of the CLI.
 *
 * @throws UsageError naming `--name` and its bound, e.g. `--draws must be an integer >= 200, got "50"`.
 * @example numberOption('port', '8787', { integer: true, min: 0, max: 65535 }) // 8787
 */
export function numberOption(name: string, text: string, bounds: NumberBounds): number {
  const { integer = false, min, max, above } = bounds;
  const value = (integer ? /^[+-]?\d+$/ : /^[+-]?(\d+(\.\d*)?|\.\d+)$/).test(text.trim()) ? Number(text) : Number.NaN;
  const fits = (integer ? Number.isSafeInteger(value) : Number.isFinite(value))
    && (min === undefined || value >= min) && (max === undefined || value <= max) && (above === undefined || value > above);
  if (fits) return value;
  const range = min !== undefined && max !== undefined ? ` in ${min}..${max}`
    : [above !== undefined ? ` > ${above}` : '', min !== undefined ? ` >= ${min}` : '', max !== undefined ? ` <= ${max}` : ''].join('');
  throw new UsageError(`--${name} must be ${integer ? 'an integer' : 'a number'}${range}, got ${JSON.stringify(text)}`);
}

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/**
 * Milliseconds in an option's text: `500ms`, `10s`, `1.5m`, `1h`, `7d`, or a bare number of ms
 * as windows take it: the one duration parser of the CLI.
 *
 * @throws UsageError naming `--name`, e.g. `--window must be a duration like 500ms, 10s, 1m, 1h or 7d, got "soon"`.
 * @example durationOption('every', '60s') // 60000
 */
export function durationOption(name: string, text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!match) throw new UsageError(`--${name} must be a duration like 500ms, 10s, 1m, 1h or 7d, got ${JSON.stringify(text)}`);
  return Math.round(Number(match[1]) * UNIT_MS[(match[2] ?? 'ms') as keyof typeof UNIT_MS]);
}
