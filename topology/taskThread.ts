// Worker-thread entry of TaskThreads: owns some of the runtime's tasks and runs their batches,
// one message at a time in arrival order, so each task sees its partition in offset order.
import { parentPort } from 'node:worker_threads';
import { transferList } from '../connectors/twitch/lineChunk.ts';
import { loadSchema, TOPICS } from '../schemas/catalogue.ts';
import { AvroSerde } from '../schemas/serde.ts';
import { CHAT_TASK_FIELDS } from './tasks.ts';
import type { TaskThreadMessage, TaskThreadSetup } from './taskThreads.ts';
import { TaskRunner, type TaskTarget } from './taskRunner.ts';

async function runnerFor(setup: TaskThreadSetup): Promise<TaskRunner> {
  const serde = AvroSerde.connect(setup.registryUrl);
  const encoders = {} as Record<Exclude<TaskTarget, 'checkpoints'>, (v: unknown) => Buffer>;
  for (const [target, schemaId] of Object.entries(setup.schemaIds)) encoders[target as keyof typeof encoders] = await serde.encoder(schemaId);
  return new TaskRunner({ chat: serde.projection(loadSchema(TOPICS.chatMessages), CHAT_TASK_FIELDS), events: serde }, setup.topics, encoders);
}

let runner: TaskRunner;
let queue = Promise.resolve();
parentPort!.on('message', (message: TaskThreadMessage) => {
  queue = queue.then(async () => {
    if (message.type === 'setup') {
      runner = await runnerFor(message.setup);
      parentPort!.postMessage({ ready: true });
      return;
    }
    if (message.type === 'drop') return runner.drop(message.id);
    const reply = await runner.run(message.request);
    parentPort!.postMessage({ id: message.id, reply }, transferList(reply.records));
  });
});
parentPort!.postMessage({ loaded: true });
