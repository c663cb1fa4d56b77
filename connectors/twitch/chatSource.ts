import tmi from 'tmi.js';
import { Observable } from 'rxjs';
import { ConfigError } from '../../core/errors.ts';
import { envValue } from '../../core/config.ts';
import { createLogger, type Logger } from '../../core/log.ts';

/** One raw line as it arrived, with the time it was read. */
export interface RawLine {
  readonly line: string;
  readonly receivedAtMs: number;
}

/** Settings of the live chat source. */
export interface ChatSourceOptions {
  /** Channel logins, with or without `#`. */
  readonly channels: readonly string[];
  /** Login of the account; anonymous (`justinfan…`) when no token is given. */
  readonly username?: string;
  /** OAuth token (`oauth:…` or bare); read from the environment, never logged. */
  readonly token?: string;
  /** IRC WebSocket server; Twitch's by default. */
  readonly server?: string;
  readonly port?: number;
  readonly secure?: boolean;
  /**
   * Wait between JOINs, ms (default 550). Twitch allows 20 JOINs per 10 s for normal accounts;
   * 500 ms would sit exactly on the limit, so the default leaves a margin (tmi.js enforces >= 300).
   */
  readonly joinIntervalMs?: number;
  readonly clock?: () => number;
  readonly log?: Logger;
  /** Builds the tmi.js client from the settings above; `new tmi.Client` unless a test keeps a handle on it. */
  readonly createClient?: (options: tmi.Options) => tmi.Client;
}

/**
 * Options for `channels` from the environment: `TWITCH_OAUTH_TOKEN` (or `_FILE`; anonymous when
 * empty), `TWITCH_USERNAME` and `TWITCH_IRC_URL` (Twitch's chat server by default).
 */
export function chatSourceOptionsFromEnv(channels: readonly string[], env: NodeJS.ProcessEnv = process.env): ChatSourceOptions {
  const url = new URL(envValue('TWITCH_IRC_URL', env));
  const secure = url.protocol === 'wss:';
  return {
    channels,
    token: envValue('TWITCH_OAUTH_TOKEN', env) || undefined,
    username: envValue('TWITCH_USERNAME', env),
    server: url.hostname,
    port: Number(url.port || (secure ? 443 : 80)),
    secure,
  };
}

/** What the source reports besides lines. */
export type ChatSourceNotice =
  | { readonly kind: 'joined'; readonly channel: string }
  | { readonly kind: 'join_failed'; readonly channel: string; readonly reason: string }
  | { readonly kind: 'disconnected'; readonly reason: string }
  | { readonly kind: 'reconnecting' };

/** Normalises channel names: lower case, no `#`, validated as Twitch logins. */
export function normaliseChannels(channels: readonly string[]): string[] {
  const out = new Set<string>();
  for (const raw of channels) {
    const c = raw.trim().replace(/^#/, '').toLowerCase();
    if (!c) continue;
    if (!/^[a-z0-9_]{1,25}$/.test(c)) throw new ConfigError('channels', `must be Twitch logins (a-z, 0-9, _; at most 25), got ${JSON.stringify(raw)}`);
    out.add(c);
  }
  return [...out];
}

/**
 * Live Twitch chat through tmi.js as a stream of raw IRC lines, each exactly once and as it
 * arrived, for the ingester's own parser (which dead-letters those it rejects). Lines come from
 * tmi.js's public `raw_message` event, so they are every line that has a command (PRIVMSG,
 * USERNOTICE, CLEARCHAT, PING, numerics, …, malformed or not); a line with none, such as tags
 * alone, tmi.js discards before any event and it never reaches this stream. tmi.js also trims
 * whitespace at the ends of each WebSocket frame.
 * Anonymous and read-only unless a token is given. tmi.js reconnects with backoff and
 * re-joins channels; a channel that does not exist or is banned is reported through
 * `notices`, never fatal.
 *
 * @throws ConfigError when no valid channel login is given.
 * @example chatSource({ channels: ['xqc'] }).subscribe((raw) => ingester.line(raw.line, raw.receivedAtMs));
 */
export function chatSource(options: ChatSourceOptions, notices?: (n: ChatSourceNotice) => void): Observable<RawLine> {
  const channels = normaliseChannels(options.channels);
  if (channels.length === 0) throw new ConfigError('channels', 'must name at least one channel');
  const clock = options.clock ?? Date.now;
  const log = options.log ?? createLogger('chat-source');
  const notify = notices ?? (() => undefined);

  return new Observable<RawLine>((subscriber) => {
    const identity = options.token
      ? { username: options.username ?? 'twitch_pulse', password: options.token.startsWith('oauth:') ? options.token : `oauth:${options.token}` }
      : undefined;
    const client = (options.createClient ?? ((o) => new tmi.Client(o)))({
      options: { joinInterval: Math.max(300, options.joinIntervalMs ?? 550), skipUpdatingEmotesets: true },
      connection: {
        server: options.server,
        port: options.port,
        secure: options.secure ?? options.server === undefined,
        reconnect: true,
        reconnectInterval: 1_000,
        maxReconnectInterval: 30_000,
        reconnectDecay: 1.5,
      },
      identity,
      channels,
      logger: { info: () => undefined, warn: (m: string) => log.debug(m), error: (m: string) => log.debug(m) },
    });

    // The second argument is tmi.js's own message object; only its `raw` text is passed on, so
    // live lines get the same parsing and dead-lettering as replayed ones.
    client.on('raw_message', (_copy, message) => {
      const line: unknown = message.raw;
      if (typeof line === 'string' && line.length > 0) subscriber.next({ line, receivedAtMs: clock() });
    });

    client.on('join', (channel: string, _user: string, self: boolean) => {
      if (!self) return;
      log.info('joined', { channel: channel.replace(/^#/, '') });
      notify({ kind: 'joined', channel: channel.replace(/^#/, '') });
    });
    client.on('notice', (channel: string, msgId: string, message: string) => {
      if (msgId === 'msg_channel_suspended' || msgId === 'msg_banned' || msgId === 'msg_room_not_found') {
        log.warn('cannot join channel', { channel: channel.replace(/^#/, ''), reason: msgId });
        notify({ kind: 'join_failed', channel: channel.replace(/^#/, ''), reason: `${msgId}: ${message}` });
      }
    });
    client.on('disconnected', (reason: string) => {
      log.warn('disconnected from chat', { reason });
      notify({ kind: 'disconnected', reason });
    });
    client.on('reconnect', () => notify({ kind: 'reconnecting' }));

    client.connect().catch((error: unknown) => {
      // tmi.js keeps reconnecting on its own; a failed first attempt is not the end.
      log.warn('chat connection failed; retrying', { error: String(error) });
    });
    return () => {
      client.disconnect().catch(() => undefined);
    };
  });
}
