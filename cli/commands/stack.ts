import { defineCommand } from '../args.ts';

/** `twitch-pulse stack up|down|status`. */
export const STACK = defineCommand({
  name: 'stack',
  positionals: [{ name: 'up|down|status', required: true, choices: ['up', 'down', 'status'] }],
  options: {},
  summary: 'install once (cached in `.stack/`), start, stop and check the local stack (also `npm run stack -- up`)',
  load: async () => (await import('../stackCommand.ts')).stackCommand,
});

/** `twitch-pulse topics create|list`. */
export const TOPICS = defineCommand({
  name: 'topics',
  positionals: [{ name: 'create|list', required: true, choices: ['create', 'list'] }],
  options: {},
  summary: 'create every catalogue topic that is missing (idempotent); `topics list` prints the catalogue',
  load: async () => (await import('../schemaCommands.ts')).topicsCommand,
});

/** `twitch-pulse schemas register`. */
export const SCHEMAS_REGISTER = defineCommand({
  name: 'schemas register',
  options: {},
  summary: 'register every topic\'s value schema under `<topic>-value`, BACKWARD compatibility (idempotent)',
  load: async () => (await import('../schemaCommands.ts')).schemasCommand,
});

/** `twitch-pulse migrate`. */
export const MIGRATE = defineCommand({
  name: 'migrate',
  options: {},
  summary: 'create the ClickHouse database if missing and apply the migrations of `clickhouse/migrations/` not yet applied (recorded in `schema_migrations`; idempotent)',
  load: async () => (await import('../migrateCommand.ts')).migrateCommand,
});
