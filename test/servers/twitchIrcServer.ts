import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { parseIrcLine } from '../../connectors/twitch/ircLine.ts';

/** Options of the local Twitch IRC server. */
export interface TwitchIrcServerOptions {
  /** Channels that answer JOIN with Twitch's "does not exist or has been suspended" notice. */
  readonly suspendedChannels?: readonly string[];
  /** OAuth tokens (without `oauth:`) that log in; any other PASS fails authentication. */
  readonly validTokens?: readonly string[];
  /** Port on 127.0.0.1; 0 picks a free one. */
  readonly port?: number;
}

interface Session {
  readonly socket: WebSocket;
  nick: string | null;
  password: string | null;
  registered: boolean;
  caps: Set<string>;
  readonly channels: Set<string>;
  /** When each JOIN arrived, ms, for Twitch's 20-per-10-s join limit. */
  readonly joinTimes: number[];
}

/**
 * A local IRC server speaking Twitch's dialect over WebSocket, the transport tmi.js uses
 * (`ws://127.0.0.1:<port>/`). It answers CAP REQ (tags, commands, membership), PASS/NICK
 * (anonymous `justinfan…` or an OAuth token), JOIN/PART with 353/366/ROOMSTATE, PING/PONG,
 * and can send RECONNECT. Tests replay recorded raw lines into the channels they name, so
 * tmi.js is exercised for real. Twitch itself is unreachable from test machines.
 */
export class TwitchIrcServer {
  private readonly http: Server;
  private readonly wss: WebSocketServer;
  private readonly sessions = new Set<Session>();
  private readonly suspended: Set<string>;
  private readonly tokens: Set<string>;
  /** Every line clients sent, for assertions (PASS values are masked). */
  readonly received: string[] = [];
  /** JOINs beyond 20 in any 10 s window on one connection. */
  joinRateViolations = 0;

  constructor(private readonly options: TwitchIrcServerOptions = {}) {
    this.suspended = new Set((options.suspendedChannels ?? []).map((c) => c.toLowerCase()));
    this.tokens = new Set(options.validTokens ?? []);
    this.http = createServer((_, res) => res.writeHead(426).end('WebSocket only'));
    this.wss = new WebSocketServer({ server: this.http });
    this.wss.on('connection', (socket) => this.accept(socket));
  }

  /** Starts listening; resolves to the ws:// URL's port. */
  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.http.listen(this.options.port ?? 0, '127.0.0.1', resolve));
    return (this.http.address() as AddressInfo).port;
  }

  /** Closes every connection and the server. */
  async close(): Promise<void> {
    for (const s of this.sessions) s.socket.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  /** Channels (without #) some client has joined. */
  joinedChannels(): Set<string> {
    const out = new Set<string>();
    for (const s of this.sessions) for (const c of s.channels) out.add(c);
    return out;
  }

  /** Resolves when every channel in `channels` is joined by some client. */
  async waitForJoins(channels: readonly string[], timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!channels.every((c) => this.joinedChannels().has(c.toLowerCase()))) {
      if (Date.now() > deadline) throw new Error(`channels not joined in ${timeoutMs} ms: ${channels.filter((c) => !this.joinedChannels().has(c)).join(', ')}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /**
   * Sends raw recorded lines to the clients joined to the channel each line names (its first
   * `#channel` parameter). Lines naming no channel (PING, 001, …) go to every client.
   * Consecutive lines are packed into one WebSocket frame as Twitch does, up to `perFrame`.
   * @returns how many lines reached at least one client.
   */
  replay(lines: readonly string[], perFrame = 50): number {
    let delivered = 0;
    const frames = new Map<Session, string[]>();
    for (const line of lines) {
      const channel = channelOf(line);
      let reached = false;
      for (const s of this.sessions) {
        if (!s.registered || (channel !== null && !s.channels.has(channel))) continue;
        let frame = frames.get(s);
        if (!frame) frames.set(s, (frame = []));
        frame.push(line);
        if (frame.length >= perFrame) {
          s.socket.send(frame.join('\r\n') + '\r\n');
          frames.set(s, []);
        }
        reached = true;
      }
      if (reached) delivered++;
    }
    for (const [s, frame] of frames) if (frame.length > 0) s.socket.send(frame.join('\r\n') + '\r\n');
    return delivered;
  }

  /** Asks every client to reconnect, as Twitch does before a server restart. */
  sendReconnect(): void {
    for (const s of this.sessions) this.send(s, ':tmi.twitch.tv RECONNECT');
  }

  /** Drops every connection without a word, as a network failure would. */
  dropConnections(): void {
    for (const s of this.sessions) s.socket.terminate();
  }

  private accept(socket: WebSocket): void {
    const session: Session = { socket, nick: null, password: null, registered: false, caps: new Set(), channels: new Set(), joinTimes: [] };
    this.sessions.add(session);
    socket.on('close', () => this.sessions.delete(session));
    socket.on('error', () => this.sessions.delete(session));
    socket.on('message', (data) => {
      for (const line of data.toString('utf8').split(/\r?\n/)) if (line) this.handle(session, line);
    });
  }

  private send(s: Session, line: string): void {
    if (s.socket.readyState === s.socket.OPEN) s.socket.send(line + '\r\n');
  }

  private handle(s: Session, line: string): void {
    this.received.push(line.startsWith('PASS ') ? 'PASS ***' : line);
    const [command, ...rest] = line.split(' ');
    const arg = rest.join(' ');
    switch (command?.toUpperCase()) {
      case 'CAP': {
        const wanted = arg.replace(/^REQ :?/, '').split(' ').filter(Boolean);
        const known = wanted.filter((c) => ['twitch.tv/tags', 'twitch.tv/commands', 'twitch.tv/membership'].includes(c));
        known.forEach((c) => s.caps.add(c));
        this.send(s, `:tmi.twitch.tv CAP * ${known.length === wanted.length ? 'ACK' : 'NAK'} :${wanted.join(' ')}`);
        break;
      }
      case 'PASS':
        s.password = arg.replace(/^:/, '');
        break;
      case 'NICK':
        this.register(s, arg.trim().toLowerCase());
        break;
      case 'PING':
        this.send(s, `:tmi.twitch.tv PONG tmi.twitch.tv :${arg.replace(/^:/, '') || 'tmi.twitch.tv'}`);
        break;
      case 'PONG':
        break;
      case 'JOIN':
        for (const c of arg.split(',')) this.join(s, c.trim().replace(/^#/, '').toLowerCase());
        break;
      case 'PART':
        for (const c of arg.split(',')) {
          const channel = c.trim().replace(/^#/, '').toLowerCase();
          if (s.channels.delete(channel)) this.send(s, `:${s.nick}!${s.nick}@${s.nick}.tmi.twitch.tv PART #${channel}`);
        }
        break;
      default:
        if (s.registered) this.send(s, `:tmi.twitch.tv 421 ${s.nick} ${command} :Unknown command`);
    }
  }

  private register(s: Session, nick: string): void {
    const anonymous = /^justinfan\d+$/.test(nick);
    const token = s.password?.replace(/^oauth:/, '') ?? '';
    if (!anonymous && !this.tokens.has(token)) {
      this.send(s, ':tmi.twitch.tv NOTICE * :Login authentication failed');
      s.socket.close();
      return;
    }
    s.nick = nick;
    s.registered = true;
    for (const [code, text] of [['001', 'Welcome, GLHF!'], ['002', 'Your host is tmi.twitch.tv'], ['003', 'This server is rather new'], ['004', '-'], ['375', '-'], ['372', 'You are in a maze of twisty passages, all alike.'], ['376', '>']]) {
      this.send(s, `:tmi.twitch.tv ${code} ${nick} :${text}`);
    }
    if (!anonymous) this.send(s, `@badge-info=;badges=;color=;display-name=${nick};emote-sets=0;user-id=1;user-type= :tmi.twitch.tv GLOBALUSERSTATE`);
  }

  private join(s: Session, channel: string): void {
    if (!s.registered || !channel) return;
    const now = Date.now();
    s.joinTimes.push(now);
    while (s.joinTimes.length > 0 && s.joinTimes[0]! <= now - 10_000) s.joinTimes.shift();
    if (s.joinTimes.length > 20) this.joinRateViolations++;
    if (this.suspended.has(channel)) {
      this.send(s, `@msg-id=msg_channel_suspended :tmi.twitch.tv NOTICE #${channel} :This channel does not exist or has been suspended.`);
      return;
    }
    s.channels.add(channel);
    const nick = s.nick!;
    this.send(s, `:${nick}!${nick}@${nick}.tmi.twitch.tv JOIN #${channel}`);
    this.send(s, `:${nick}.tmi.twitch.tv 353 ${nick} = #${channel} :${nick}`);
    this.send(s, `:${nick}.tmi.twitch.tv 366 ${nick} #${channel} :End of /NAMES list`);
    if (!/^justinfan\d+$/.test(nick)) this.send(s, `@badge-info=;badges=;color=;display-name=${nick};emote-sets=0;mod=0;subscriber=0;user-type= :tmi.twitch.tv USERSTATE #${channel}`);
    this.send(s, `@emote-only=0;followers-only=-1;r9k=0;room-id=${roomIdOf(channel)};slow=0;subs-only=0 :tmi.twitch.tv ROOMSTATE #${channel}`);
  }
}

// A stable fake room id per channel for ROOMSTATE; recorded lines carry their own room-id.
function roomIdOf(channel: string): number {
  let h = 7;
  for (let i = 0; i < channel.length; i++) h = (h * 31 + channel.charCodeAt(i)) % 1_000_000_007;
  return h;
}

/** The channel (lower case, without #) a raw line is for, or null when it names none. */
export function channelOf(line: string): string | null {
  try {
    const target = parseIrcLine(line).params[0];
    return target?.startsWith('#') ? target.slice(1).toLowerCase() : null;
  } catch {
    // Broken lines are replayed too (hostile-input tests); route them by the first #word.
    const match = / #([^\s]+)/.exec(line);
    return match ? match[1]!.toLowerCase() : null;
  }
}
