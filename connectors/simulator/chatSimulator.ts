import { escapeTagValue } from '../twitch/ircLine.ts';

/** One simulated channel. */
export interface SimulatedChannel {
  readonly login: string;
  readonly roomId: string;
  /** Baseline chat rate, messages per second. */
  readonly baselinePerSecond: number;
}

/** Settings of {@link simulateChat}. */
export interface SimulationOptions {
  readonly channels: readonly SimulatedChannel[];
  /** Event time of the first line, epoch ms. */
  readonly startMs: number;
  /** Simulated span, ms. */
  readonly durationMs: number;
  /** Seed of the deterministic random source: the same seed gives the same lines. */
  readonly seed?: number;
  /** Chance per channel and second that a chat burst (hype) starts. */
  readonly burstChancePerSecond?: number;
  /** Chance per channel and second of a gift bomb (a mystery gift and its subgift lines). */
  readonly giftBombChancePerSecond?: number;
  /** Chance per channel and second of an incoming raid. */
  readonly raidChancePerSecond?: number;
}

const EMOTES: ReadonlyArray<readonly [string, string]> = [
  ['25', 'Kappa'], ['1902', 'Keepo'], ['88', 'PogChamp'], ['305954156', 'Pog'], ['354', '4Head'],
  ['425618', 'LUL'], ['81273', 'KomodoHype'], ['1035663', 'PogU'], ['emotesv2_dcd06b30a5c24f6eb871e8f5edbd44f7', 'catJAM'],
];
const WORDS = ['that', 'was', 'insane', 'gg', 'no way', 'clip it', 'lets go', 'first time here', 'hello chat', 'W', 'L', 'true', 'so good', '日本語', 'привет', 'mdr', 'jajaja', '🎉'];
const PLANS = ['Prime', '1000', '1000', '1000', '2000', '3000'];

/** A small deterministic PRNG (mulberry32); no Math.random, so runs repeat exactly. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` channels named `sim_channel_<i>` with baselines spread from 1 to 20 messages/s. */
export function simulatedChannels(n: number): SimulatedChannel[] {
  return Array.from({ length: n }, (_, i) => ({
    login: `sim_channel_${i}`,
    roomId: String(900_000_000 + i),
    baselinePerSecond: 1 + ((i * 7) % 20),
  }));
}

/**
 * Generates raw Twitch IRC lines, in event-time order, with the tags real Twitch chat carries:
 * baseline chatter with emotes and cheers, bursts of hype, gift bombs (one `submysterygift`
 * followed by its `subgift` lines sharing an origin id), subs, resubs and raids.
 * Deterministic for a seed.
 */
export function* simulateChat(options: SimulationOptions): Generator<string> {
  const random = seededRandom(options.seed ?? 1);
  const burstChance = options.burstChancePerSecond ?? 1 / 600;
  const bombChance = options.giftBombChancePerSecond ?? 1 / 900;
  const raidChance = options.raidChancePerSecond ?? 1 / 3600;
  const burstUntil = new Map<string, number>();
  let serial = 0;
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const user = () => {
    const n = Math.floor(random() * 5000);
    return { id: String(10_000 + n), login: `viewer_${n}` };
  };
  const id = () => {
    serial++;
    const hex = serial.toString(16).padStart(12, '0');
    return `${hex.slice(0, 8)}-0000-4000-8000-${hex}`;
  };

  for (let second = 0; second * 1000 < options.durationMs; second++) {
    const secondStart = options.startMs + second * 1000;
    const lines: Array<[number, string]> = [];
    for (const ch of options.channels) {
      const bursting = (burstUntil.get(ch.login) ?? 0) > secondStart;
      if (!bursting && random() < burstChance) burstUntil.set(ch.login, secondStart + 20_000 + Math.floor(random() * 40_000));
      const rate = ch.baselinePerSecond * (bursting ? 8 : 1);
      const count = poisson(rate, random);
      for (let i = 0; i < count; i++) {
        const ts = secondStart + Math.floor(random() * 1000);
        lines.push([ts, privmsg(ch, user(), id(), ts, bursting, random, pick)]);
      }
      if (random() < bombChance) {
        const ts = secondStart + Math.floor(random() * 900);
        const gifter = user();
        const n = pick([1, 5, 5, 10, 20, 50]);
        const origin = `origin${serial}`;
        const plan = pick(['1000', '1000', '2000', '3000']);
        lines.push([ts, usernotice(ch, gifter, id(), ts, 'submysterygift', { 'mass-gift-count': String(n), 'origin-id': origin, 'sender-count': String(n + 3), 'sub-plan': plan }, `${gifter.login} is gifting ${n} Tier 1 Subs to ${ch.login}'s community!`)]);
        for (let g = 0; g < n; g++) {
          const r = user();
          lines.push([ts + 1 + g, usernotice(ch, gifter, id(), ts + 1 + g, 'subgift', { 'gift-months': '1', months: '1', 'origin-id': origin, 'recipient-display-name': r.login, 'recipient-id': r.id, 'recipient-user-name': r.login, 'sub-plan': plan, 'sub-plan-name': 'Channel Subscription' }, `${gifter.login} gifted a Tier 1 sub to ${r.login}!`)]);
        }
      }
      if (random() < ch.baselinePerSecond / 4000) {
        const ts = secondStart + Math.floor(random() * 1000);
        const months = Math.floor(random() * 30);
        const kind = months > 1 ? 'resub' : 'sub';
        lines.push([ts, usernotice(ch, user(), id(), ts, kind, { 'cumulative-months': String(Math.max(1, months)), 'should-share-streak': '0', 'sub-plan': pick(PLANS), 'sub-plan-name': 'Channel Subscription' }, `subscribed for ${months} months`)]);
      }
      if (random() < raidChance) {
        const ts = secondStart + Math.floor(random() * 1000);
        const raider = user();
        const viewers = 10 + Math.floor(random() * 5000);
        lines.push([ts, usernotice(ch, raider, id(), ts, 'raid', { displayName: raider.login, login: raider.login, viewerCount: String(viewers) }, `${viewers} raiders from ${raider.login} have joined!`)]);
        burstUntil.set(ch.login, ts + 30_000);
      }
    }
    lines.sort((a, b) => a[0] - b[0]);
    for (const [, line] of lines) yield line;
  }
}

function poisson(mean: number, random: () => number): number {
  if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * gaussian(random)));
  const limit = Math.exp(-mean);
  let k = 0;
  let p = random();
  while (p > limit) {
    k++;
    p *= random();
  }
  return k;
}

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

function privmsg(
  ch: SimulatedChannel, u: { id: string; login: string }, msgId: string, ts: number, bursting: boolean,
  random: () => number, pick: <T>(xs: readonly T[]) => T,
): string {
  const parts: string[] = [];
  const emotes = new Map<string, number[][]>();
  let text = '';
  const words = 1 + Math.floor(random() * 6);
  for (let w = 0; w < words; w++) {
    if (text) text += ' ';
    if (random() < (bursting ? 0.6 : 0.25)) {
      const [eid, code] = pick(EMOTES);
      const ranges = emotes.get(eid) ?? [];
      ranges.push([text.length, text.length + code.length - 1]);
      emotes.set(eid, ranges);
      text += code;
    } else text += pick(WORDS);
  }
  parts.push(text);
  const emoteTag = [...emotes].map(([eid, ranges]) => `${eid}:${ranges.map((r) => r.join('-')).join(',')}`).join('/');
  const emoteOnly = emotes.size > 0 && [...emotes.values()].reduce((n, r) => n + r.length, 0) === words;
  const sub = random() < 0.3;
  const months = sub ? 1 + Math.floor(random() * 40) : 0;
  const bits = random() < 0.003 ? pick([1, 100, 100, 500, 1000]) : 0;
  const tags = [
    `badge-info=${sub ? `subscriber/${months}` : ''}`,
    `badges=${sub ? `subscriber/${months >= 12 ? 12 : months >= 6 ? 6 : 0}` : ''}${bits ? `${sub ? ',' : ''}bits/100` : ''}`,
    ...(bits ? [`bits=${bits}`] : []),
    `client-nonce=${msgId.slice(0, 8)}`,
    'color=#1E90FF',
    `display-name=${escapeTagValue(u.login)}`,
    ...(emoteOnly ? ['emote-only=1'] : []),
    `emotes=${emoteTag}`,
    `first-msg=${random() < 0.01 ? 1 : 0}`,
    'flags=',
    `id=${msgId}`,
    'mod=0',
    `returning-chatter=${random() < 0.02 ? 1 : 0}`,
    `room-id=${ch.roomId}`,
    `subscriber=${sub ? 1 : 0}`,
    `tmi-sent-ts=${ts}`,
    'turbo=0',
    `user-id=${u.id}`,
    'user-type=',
  ];
  const body = bits ? `Cheer${bits} ${parts[0]}` : parts[0];
  return `@${tags.join(';')} :${u.login}!${u.login}@${u.login}.tmi.twitch.tv PRIVMSG #${ch.login} :${body}`;
}

function usernotice(
  ch: SimulatedChannel, u: { id: string; login: string }, msgId: string, ts: number, kind: string,
  params: Record<string, string>, systemMsg: string,
): string {
  const tags = [
    'badge-info=', 'badges=', 'color=', `display-name=${u.login}`, 'emotes=', 'flags=', `id=${msgId}`, `login=${u.login}`, 'mod=0',
    `msg-id=${kind}`,
    ...Object.entries(params).map(([k, v]) => `msg-param-${k}=${escapeTagValue(v)}`),
    `room-id=${ch.roomId}`, 'subscriber=0', `system-msg=${escapeTagValue(systemMsg)}`, `tmi-sent-ts=${ts}`, 'user-id=' + u.id, 'user-type=',
  ];
  return `@${tags.join(';')} :tmi.twitch.tv USERNOTICE #${ch.login}`;
}
