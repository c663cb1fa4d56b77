import { provisionStack } from '../stack/provision.ts';
import { stackServices } from '../stack/services.ts';
import { stackDown, stackStatus, stackUp, type ServiceState } from '../stack/supervisor.ts';
import { parseCommandLine } from './args.ts';
import { STACK } from './commands/stack.ts';

function describe(s: ServiceState): string {
  const state = s.healthy ? 'up' : s.pid ? 'starting or unhealthy' : 'down';
  const who = s.pid ? `pid ${s.pid}` : s.foreign ? 'not started by twitch-pulse' : '';
  return `${s.name.padEnd(11)} ${state.padEnd(22)} ${s.listen.padEnd(48)} ${who}`;
}

/** `twitch-pulse stack up|down|status`: the local Kafka, registry, ClickHouse and MinIO. */
export async function stackCommand(argv: readonly string[]): Promise<number> {
  const [action] = parseCommandLine(STACK, argv).positionals;
  const services = stackServices();
  const say = (line: string) => console.log(line);
  switch (action) {
    case 'up': {
      const started = Date.now();
      const states = await stackUp(services, { say });
      await provisionStack(say);
      states.forEach((s) => say(describe(s)));
      say(`stack up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      return states.every((s) => s.healthy) ? 0 : 1;
    }
    case 'down':
      await stackDown(services, { say });
      return 0;
    default: {
      const states = await stackStatus(services);
      states.forEach((s) => say(describe(s)));
      return states.every((s) => s.healthy) ? 0 : 3;
    }
  }
}
