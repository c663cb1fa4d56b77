import { defineCommand } from '../args.ts';

/** `twitch-pulse sink clickhouse`. */
export const SINK_CLICKHOUSE = defineCommand({
  name: 'sink clickhouse',
  options: {
    group: { type: 'string', default: 'twitch-pulse-clickhouse', value: 'G', brief: true, description: 'the consumer group' },
    topics: { type: 'list', value: 'ids', brief: true, description: 'catalogue ids of the topics to sink, e.g. chatMessages,hype (default: all with a table)' },
    'topic-prefix': { type: 'string', default: '', value: 'P', description: 'put in front of every topic name (staging, tests)' },
    'max-rows': { type: 'integer', min: 1, default: '10000', brief: true, description: 'the most rows in one insert' },
    'max-wait-ms': { type: 'integer', min: 1, default: '1000', brief: true, description: 'the longest a row waits for its batch, ms' },
    'exit-when-idle-ms': { type: 'integer', min: 1, value: 'MS', description: 'exit once no record came for this long' },
    'lag-every-ms': { type: 'integer', min: 0, default: '15000', brief: true, description: 'write every consumer group\'s lag this often (0: never)' },
  },
  summary: 'raw and derived topics (and dead letters, late records) into ClickHouse, batched, exact in effect; every 15 s also every consumer group\'s lag (`0` turns the probe off)',
  load: async () => (await import('../sinkCommand.ts')).sinkCommand,
});
