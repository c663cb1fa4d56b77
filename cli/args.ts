import { UsageError } from '../core/errors.ts';

/** Parsed command line: positionals and `--name value` / `--flag` options. */
export interface ParsedArgs {
  readonly positionals: string[];
  readonly options: Map<string, string | true>;
}

/**
 * Splits argv into positionals and options. `--name=value` and `--name value` both work; an
 * option followed by another option or nothing is a boolean flag. `-` is a positional (stdin).
 */
export function parseArgs(argv: readonly string[], booleanFlags: readonly string[] = []): ParsedArgs {
  const positionals: string[] = [];
  const options = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--') || arg === '--') {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    if (eq > 0) {
      options.set(arg.slice(2, eq), arg.slice(eq + 1));
      continue;
    }
    const name = arg.slice(2);
    const next = argv[i + 1];
    if (!booleanFlags.includes(name) && next !== undefined && (!next.startsWith('--'))) {
      options.set(name, next);
      i++;
    } else {
      options.set(name, true);
    }
  }
  return { positionals, options };
}

/** A string option, or `fallback`; a bare flag where a value is needed is a usage error. */
export function stringOption(args: ParsedArgs, name: string, fallback?: string): string | undefined {
  const value = args.options.get(name);
  if (value === undefined) return fallback;
  if (value === true) throw new UsageError(`--${name} needs a value`);
  return value;
}
