import { InputFormatError, PulseError, UsageError, messageOf } from '../core/errors.ts';
import { namedOptions, oneOf, parseCommandLine, type CommandSpec } from './args.ts';
import { COMMANDS } from './commands/index.ts';
import { namedUsage, programUsage, usageLine } from './usage.ts';

/** The declaration `argv` names, and the words after its name; or the family of a name given alone (`helix`). */
type Found = { spec: CommandSpec; rest: readonly string[] } | { family: readonly CommandSpec[] };

function find(commands: readonly CommandSpec[], argv: readonly string[]): Found {
  const family = commands.filter((c) => c.name.split(' ')[0] === argv[0]);
  if (family.length === 0) throw new UsageError(`unknown command ${JSON.stringify(argv[0])}; twitch-pulse --help lists the commands`);
  const named = family.filter((c) => c.name.split(' ').every((word, i) => argv[i] === word));
  if (named.length === 0) return { family };
  const rest = argv.slice(named[0]!.name.split(' ').length);
  const spec = named.find((c) => c.when !== undefined && namedOptions(c, rest).has(c.when)) ?? named.find((c) => c.when === undefined) ?? named[0]!;
  return { spec, rest };
}

/**
 * Runs one CLI invocation and returns its exit code: 0; 2 for a wrong command line (an unknown
 * option, a value its declaration refuses) or a bad input file; 1 for other failures.
 * `--help`/`-h` after any command prints its usage on stdout and runs nothing.
 *
 * @param commands the declarations to dispatch to (specs pass their own).
 */
export async function main(argv: readonly string[], commands: readonly CommandSpec[] = COMMANDS): Promise<number> {
  const [first] = argv;
  if (first === undefined) {
    console.error(programUsage(commands));
    return 2;
  }
  if (first === '--help' || first === '-h' || first === 'help') {
    console.log(programUsage(commands));
    return 0;
  }
  let label = first;
  let usage = '';
  try {
    const found = find(commands, argv);
    if ('family' in found) {
      if (namedOptions({ options: {} }, argv.slice(1)).has('help')) {
        console.log([...new Set(found.family.map((c) => c.name))].map((name) => namedUsage(commands, name)).join('\n\n'));
        return 0;
      }
      usage = found.family.map(usageLine).join('\n');
      const words = found.family.map((c) => c.name.split(' ')[1]).filter((w): w is string => w !== undefined);
      throw new UsageError(`expected ${oneOf(words)}${argv[1] === undefined ? '' : `, got ${JSON.stringify(argv[1])}`}`);
    }
    const { spec, rest } = found;
    label = spec.name;
    usage = commands.filter((c) => c.name === spec.name).map(usageLine).join('\n');
    if (namedOptions(spec, rest).has('help')) {
      console.log(namedUsage(commands, spec.name));
      return 0;
    }
    // Refused before the command's modules load (kafkajs, parquet…), which takes a moment; the
    // command reads the same words again through the same declaration.
    parseCommandLine(spec, rest);
    return await (await spec.load())(rest);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`twitch-pulse ${label}: ${error.message}${usage ? `\n\n${usage}\n\ntwitch-pulse ${label} --help describes the options.` : ''}`);
      return 2;
    }
    const code = error instanceof PulseError ? ` [${error.code}]` : '';
    // A bad input file is the caller's to fix, like a wrong command line, but the usage text
    // would bury the file and line it names.
    if (error instanceof InputFormatError) {
      console.error(`twitch-pulse ${label}: ${error.message}${code}`);
      return 2;
    }
    console.error(`twitch-pulse ${label}: ${messageOf(error)}${code}`);
    return 1;
  }
}
