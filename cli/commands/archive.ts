import { defineCommand } from '../args.ts';

/** `twitch-pulse archive`. */
export const ARCHIVE = defineCommand({
  name: 'archive',
  options: {
    topics: { type: 'list', value: 'a,b', brief: true, description: 'the topics to archive (default: the raw topics)' },
    group: { type: 'string', default: 'twitch-pulse-archive', value: 'G', brief: true, description: 'the consumer group' },
    once: { type: 'boolean', brief: true, description: 'stop after the end offsets the topics had at start' },
    'until-idle-ms': { type: 'integer', min: 1, value: 'N', brief: true, description: 'stop after N ms without records' },
    'max-records': { type: 'integer', min: 1, value: 'N', description: 'roll an object after N records' },
    'max-bytes': { type: 'integer', min: 1, value: 'N', description: 'roll an object after about N bytes' },
    'max-wait-ms': { type: 'integer', min: 1, value: 'N', description: 'roll an object N ms after its first record' },
    'dead-letter-topic': { type: 'string', value: 'T', description: 'where records that cannot be archived go (default: the catalogue\'s dead-letter topic)' },
  },
  summary: 'the raw topics into MinIO as Parquet, one object per run of offsets; `--max-records`, `--max-bytes`, `--max-wait-ms` set when objects roll',
  load: async () => (await import('../archiveCommand.ts')).archiveCommand,
});
