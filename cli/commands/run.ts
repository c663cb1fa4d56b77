import { defineCommand } from '../args.ts';

/** `twitch-pulse run`. */
export const RUN = defineCommand({
  name: 'run',
  options: {
    group: { type: 'string', default: 'pulse-topology', value: 'G', brief: true, description: 'the consumer group; instances with the same group share the partitions' },
    instance: { type: 'string', value: 'ID', brief: true, description: 'this instance\'s id (default: host name and process id)' },
    threads: { type: 'integer', min: 1, value: 'N', brief: true, description: 'task threads (default: one less than the cores)' },
    consumers: { type: 'integer', min: 1, value: 'N', brief: true, description: 'group members in this instance (default 2)' },
    'input-prefix': { type: 'string', default: '', value: 'P', description: 'put in front of the source topics\' names' },
    'output-prefix': { type: 'string', default: '', value: 'P', description: 'put in front of the derived topics\' names' },
    'max-batch-bytes': { type: 'integer', min: 1, default: '1048576', value: 'N', description: 'the most bytes of records a task takes in one batch' },
  },
  summary: 'the topology on Kafka as a consumer group, exactly once; more instances with the same group share the partitions; `--threads` task threads (default one less than the cores), `--consumers` group members per instance (default 2, sharing one 4 MiB fetch budget)',
  load: async () => (await import('../runCommand.ts')).runCommand,
});
