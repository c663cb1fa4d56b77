import { endpointsFromEnv } from '../core/config.ts';
import { createTopics } from '../connectors/kafka/admin.ts';
import { createKafka } from '../connectors/kafka/client.ts';
import { ALL_TOPICS, valueSubject } from '../schemas/catalogue.ts';
import { AvroSerde } from '../schemas/serde.ts';
import { parseCommandLine } from './args.ts';
import { SCHEMAS_REGISTER, TOPICS } from './commands/stack.ts';

/** `twitch-pulse schemas register`: registers every topic's value schema (idempotent). */
export async function schemasCommand(argv: readonly string[]): Promise<number> {
  parseCommandLine(SCHEMAS_REGISTER, argv);
  const serde = AvroSerde.connect(endpointsFromEnv().registryUrl);
  for (const spec of ALL_TOPICS) {
    const id = await serde.registerTopic(spec);
    console.log(`${valueSubject(spec.name).padEnd(40)} schema id ${id}`);
  }
  return 0;
}

/** `twitch-pulse topics create|list`: creates every catalogue topic that is missing (idempotent), or lists the catalogue. */
export async function topicsCommand(argv: readonly string[]): Promise<number> {
  const [action] = parseCommandLine(TOPICS, argv).positionals;
  if (action === 'list') {
    for (const t of ALL_TOPICS) {
      console.log(`${t.name.padEnd(32)} key=${t.key.padEnd(22)} ${String(t.partitions).padStart(2)} partitions  retention ${Math.round(t.retentionMs / 86_400_000)} d  ${t.cleanupPolicy}  ${t.schemaFile}`);
    }
    return 0;
  }
  const results = await createTopics(createKafka(endpointsFromEnv().kafkaBrokers), ALL_TOPICS);
  for (const r of results) console.log(`${r.name.padEnd(32)} ${r.created ? 'created' : 'exists'}`);
  return 0;
}
