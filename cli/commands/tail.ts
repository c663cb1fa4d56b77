import { defineCommand } from '../args.ts';

/** `twitch-pulse tail TOPIC|ID`. */
export const TAIL = defineCommand({
  name: 'tail',
  positionals: [{ name: 'TOPIC|ID', required: true }],
  options: {
    'topic-prefix': { type: 'string', default: '', value: 'P', description: 'put in front of a catalogue topic\'s name (staging, tests)' },
    channel: { type: 'string', value: 'LOGIN', brief: true, description: 'only records of this channel' },
    kind: { type: 'string', value: 'K', brief: true, description: 'only records of this kind (e.g. raid on `chatEvents`)' },
    since: { type: 'string', value: '10m', brief: true, description: 'start this long before now (`90s`, `10m`, `2h`, `7d`) or at an ISO 8601 time' },
    'from-beginning': { type: 'boolean', brief: true, description: 'start at the beginning of the topic' },
    json: { type: 'boolean', brief: true, description: 'one JSON object per record' },
    max: { type: 'integer', min: 1, value: 'N', description: 'stop after printing N records' },
    'exit-when-idle-ms': { type: 'integer', min: 1, value: 'N', description: 'stop after N ms without records' },
    'read-uncommitted': { type: 'boolean', description: 'also records of open and aborted transactions' },
  },
  exclusive: [['since', 'from-beginning']],
  summary: 'a topic\'s records as they arrive, decoded through the registry, one line (or JSON object) each, for ops',
  load: async () => (await import('../tailCommand.ts')).tailCommand,
});
