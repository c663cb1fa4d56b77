import { InputFormatError, PulseError, UsageError, messageOf } from '../core/errors.ts';

const USAGE = `twitch-pulse — live engagement analytics from public Twitch activity

usage: twitch-pulse <command> [options]

  start [--speed N] [--channels a,b] [--port 8787]
                           the embedded default (npm start): the topology in-process on a real-time
                           simulation (or live channels), the live wall and a status line; no servers
  wall [--port 8787] [--host 127.0.0.1] [--lookback 5m] [--demo]
                           the live wall on the derived topics in Kafka (--demo: in-process, like start)
  demo                     the topology on 30 simulated minutes at full speed, summary printed
  stack up|down|status     local Kafka, schema registry, ClickHouse and MinIO on 127.0.0.1
  schemas register         register every topic's Avro schema (BACKWARD compatibility)
  topics create|list       create the catalogue's topics (idempotent), or list them
  ingest --channels a,b    live Twitch chat (tmi.js, anonymous by default) into Kafka
  replay FILE|- [--speed N | --max] [--checkpoint NAME]
                           recorded raw IRC lines into Kafka (default: as fast as possible;
                           --checkpoint: exactly once across restarts, resumes where it stopped)
  replay --from-archive s3://BUCKET/TOPIC[/PREFIX] [--to-topic T]
                           archived Parquet objects back into Kafka, in offset order
  archive [--topics a,b] [--once | --until-idle-ms N]
                           the raw topics into MinIO as Parquet, each offset in one object
  run [--group G] [--instance ID]
                           the topology on Kafka as a consumer group, exactly once
  migrate                  create or update the ClickHouse tables (idempotent)
  sink clickhouse [--group G] [--topics ids] [--max-rows N] [--max-wait-ms MS]
                           raw and derived topics into ClickHouse, exact in effect
  report --channel LOGIN [--since 7d] [--only heatmap,ads,…] [--format table|json]
                           insights from ClickHouse as tables, sparklines and a heatmap
  helix sweep [--games ids] [--languages en,de] [--every 60s] [--once]
                           live streams from Twitch Helix into Kafka, and category changes
  helix clips --channel LOGIN [--since 7d] [--min-views N] [--out FILE|-]
                           a channel's clips from Helix into Kafka, each with the moment it shows;
                           --out: the merged moments as a labels file for evaluate --labels
  tail TOPIC|ID [--channel LOGIN] [--kind K] [--since 10m | --from-beginning] [--json]
                           a topic's records as they arrive, decoded, one line each
  analyze FILE|- [--window 60s] [--grace 5s] [--channel LOGIN]
                           the topology in-process, no servers: JSON lines on stdout; reads raw
                           IRC, TwitchDownloader and chat-downloader JSON, Chatterino logs and
                           justlog/rustlog exports (format detected from the content)
  evaluate CHAT|- --labels LABELS [--lag 30s] [--format table|json] [--seed 1] [--draws 200]
                           the detectors of analyze scored against labelled highlights:
                           precision, recall, alerts, precision at K, ad windows against chance
  simulate [--channels 5] [--minutes 30] [--seed 1]
                           simulated raw chat lines on stdout (pipe into analyze or replay)

Configuration comes from the environment; see the README's table.`;

type Command = (argv: readonly string[]) => Promise<number>;

// Each command's modules load only when it runs: loading all of them (kafkajs, arrow, parquet,
// minio, the ClickHouse client) took seconds, which `npm start` must not wait for.
const lazy = (load: () => Promise<Command>): Command => async (argv) => (await load())(argv);

const COMMANDS: Record<string, Command> = {
  stack: lazy(async () => (await import('./stackCommand.ts')).stackCommand),
  schemas: lazy(async () => (await import('./schemaCommands.ts')).schemasCommand),
  topics: lazy(async () => (await import('./schemaCommands.ts')).topicsCommand),
  ingest: lazy(async () => (await import('./ingestCommands.ts')).ingestCommand),
  replay: lazy(async () => (await import('./ingestCommands.ts')).replayCommand),
  archive: lazy(async () => (await import('./archiveCommand.ts')).archiveCommand),
  analyze: lazy(async () => (await import('./analyzeCommand.ts')).analyzeCommand),
  evaluate: lazy(async () => (await import('./evaluateCommand.ts')).evaluateCommand),
  run: lazy(async () => (await import('./runCommand.ts')).runCommand),
  report: lazy(async () => (await import('./reportCommand.ts')).reportCommand),
  migrate: lazy(async () => (await import('./migrateCommand.ts')).migrateCommand),
  sink: lazy(async () => (await import('./sinkCommand.ts')).sinkCommand),
  helix: lazy(async () => (await import('./helixCommand.ts')).helixCommand),
  tail: lazy(async () => (await import('./tailCommand.ts')).tailCommand),
  simulate: lazy(async () => (await import('./simulateCommands.ts')).simulateCommand),
  demo: lazy(async () => (await import('./simulateCommands.ts')).demoCommand),
  start: lazy(async () => (await import('./wallCommand.ts')).startCommand),
  wall: lazy(async () => (await import('./wallCommand.ts')).wallCommand),
};

/** Runs one CLI invocation and returns its exit code (2 for usage errors and bad input files, 1 for failures). */
export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(USAGE);
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  try {
    if (!command) throw new UsageError(`unknown command ${JSON.stringify(name)}`);
    return await command(rest);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n\n${USAGE}`);
      return 2;
    }
    const code = error instanceof PulseError ? ` [${error.code}]` : '';
    // A bad input file is the caller's to fix, like a wrong command line, but the usage text
    // would bury the file and line it names.
    if (error instanceof InputFormatError) {
      console.error(`twitch-pulse ${name}: ${error.message}${code}`);
      return 2;
    }
    console.error(`twitch-pulse ${name}: ${messageOf(error)}${code}`);
    return 1;
  }
}
