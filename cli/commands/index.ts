import type { CommandSpec } from '../args.ts';
import { ARCHIVE } from './archive.ts';
import { ANALYZE, DEMO, EVALUATE, SIMULATE } from './chat.ts';
import { HELIX_CLIPS, HELIX_SWEEP } from './helix.ts';
import { INGEST, REPLAY, REPLAY_FROM_ARCHIVE } from './ingest.ts';
import { REPORT } from './report.ts';
import { RUN } from './run.ts';
import { SINK_CLICKHOUSE } from './sink.ts';
import { MIGRATE, SCHEMAS_REGISTER, STACK, TOPICS } from './stack.ts';
import { TAIL } from './tail.ts';
import { START, WALL } from './wall.ts';

/**
 * Every command of `twitch-pulse`, in the order `twitch-pulse --help` and the README list them.
 * Loading this loads no command's module.
 */
export const COMMANDS: readonly CommandSpec[] = [
  STACK, TOPICS, SCHEMAS_REGISTER, INGEST, REPLAY, RUN, HELIX_SWEEP, HELIX_CLIPS, ANALYZE, EVALUATE, SIMULATE,
  START, WALL, DEMO, MIGRATE, SINK_CLICKHOUSE, REPORT, ARCHIVE, REPLAY_FROM_ARCHIVE, TAIL,
];
