import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UnavailableError, messageOf } from '../../core/errors.ts';
import type { WallUpdate } from './feed.ts';

/**
 * Content-Security-Policy of every response: scripts, styles and connections from the wall's
 * own origin only, nothing inline, no frames, no forms. Even if data ever reached markup, the
 * browser would run none of it.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'", "script-src 'self'", "style-src 'self'", "connect-src 'self'",
  "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

const PAGE_DIR = new URL('./page/', import.meta.url);
const PAGES: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/wall.js': { file: 'wall.js', type: 'text/javascript; charset=utf-8' },
  '/wall.css': { file: 'wall.css', type: 'text/css; charset=utf-8' },
};

// A client that stops reading is dropped once this much is queued for it; on reconnecting it
// gets a fresh snapshot instead of a backlog.
const MAX_QUEUED_BYTES = 4 * 1024 * 1024;
const HEARTBEAT_MS = 15_000;
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * One server-sent event carrying `update` as JSON. JSON.stringify escapes every CR and LF, so
 * the data is always one line and no chat text can end the event or start another field.
 */
export function sseFrame(update: WallUpdate): string {
  return `data: ${JSON.stringify(update)}\n\n`;
}

/** Settings of a {@link WallServer}. */
export interface WallServerOptions {
  /** Interface to bind; 127.0.0.1 by default (loopback only). */
  readonly host?: string;
  /** Port; 0 picks a free one. */
  readonly port?: number;
  /** What a newly connected page needs to catch up (see WallFeed.snapshot). */
  readonly snapshot: () => WallUpdate[];
}

/**
 * The live wall over HTTP (node:http, no framework): the static page (`page/`), and `/events`,
 * a server-sent event stream that starts with a snapshot and then carries every published
 * update. `/snapshot.json` serves the same snapshot for scripts. Every response carries a strict
 * CSP; bound to loopback, requests naming another host are refused (DNS rebinding).
 *
 * @example
 * const server = new WallServer({ snapshot: () => feed.snapshot() });
 * const url = await server.listen();
 * server.publish(feed.chatRate(rate));
 */
export class WallServer {
  private readonly http: Server;
  private readonly clients = new Set<ServerResponse>();
  private readonly pages = new Map<string, { body: Buffer; type: string }>();
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(private readonly options: WallServerOptions) {
    for (const [path, { file, type }] of Object.entries(PAGES)) this.pages.set(path, { body: readFileSync(new URL(file, PAGE_DIR)), type });
    this.http = createServer((req, res) => this.handle(req, res));
  }

  /** Connected pages. */
  get clientCount(): number {
    return this.clients.size;
  }

  /**
   * Starts listening; resolves to the page's URL.
   * @throws UnavailableError when the port cannot be bound (in use, not permitted).
   */
  async listen(): Promise<string> {
    const host = this.options.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      this.http.once('error', (error) => reject(new UnavailableError('wall', `cannot listen on ${host}:${this.options.port ?? 0} (another port with --port): ${messageOf(error)}`, error)));
      this.http.listen(this.options.port ?? 0, host, resolve);
    });
    this.heartbeat = setInterval(() => this.write(': ping\n\n'), HEARTBEAT_MS).unref();
    const { port } = this.http.address() as AddressInfo;
    return `http://${host.includes(':') ? `[${host}]` : host}:${port}/`;
  }

  /** Sends updates to every connected page. */
  publish(updates: readonly WallUpdate[]): void {
    if (updates.length === 0 || this.clients.size === 0) return;
    this.write(updates.map(sseFrame).join(''));
  }

  /** Ends every event stream and stops the server. */
  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    for (const res of this.clients) res.end();
    this.clients.clear();
    await new Promise<void>((resolve) => {
      this.http.close(() => resolve());
      this.http.closeAllConnections();
    });
  }

  private write(text: string): void {
    for (const res of this.clients) {
      if (res.writableLength > MAX_QUEUED_BYTES) {
        this.clients.delete(res);
        res.destroy();
        continue;
      }
      res.write(text);
    }
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    if (!this.hostAllowed(req.headers.host)) return this.plain(res, 421, 'unknown host\n');
    if (req.method !== 'GET' && req.method !== 'HEAD') return this.plain(res, 405, 'method not allowed\n', { allow: 'GET, HEAD' });
    const path = new URL(req.url ?? '/', 'http://wall').pathname;
    if (path === '/events') return this.stream(req, res);
    if (path === '/snapshot.json') {
      return this.send(res, 200, Buffer.from(JSON.stringify(this.options.snapshot())), 'application/json; charset=utf-8', req.method === 'HEAD');
    }
    const page = this.pages.get(path);
    if (!page) return this.plain(res, 404, 'not found\n');
    this.send(res, 200, page.body, page.type, req.method === 'HEAD');
  }

  private stream(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' });
    res.write(`retry: 2000\n\n${this.options.snapshot().map(sseFrame).join('')}`);
    this.clients.add(res);
    req.on('close', () => this.clients.delete(res));
  }

  private hostAllowed(header: string | undefined): boolean {
    const bound = this.options.host ?? '127.0.0.1';
    if (!LOOPBACK.has(bound) && bound !== '::1') return true;
    if (!header) return false;
    const name = header.startsWith('[') ? header.slice(0, header.indexOf(']') + 1) : header.split(':')[0]!;
    return LOOPBACK.has(name.toLowerCase());
  }

  private send(res: ServerResponse, status: number, body: Buffer, type: string, headOnly: boolean): void {
    res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': type, 'content-length': body.length, 'cache-control': 'no-store' });
    res.end(headOnly ? undefined : body);
  }

  private plain(res: ServerResponse, status: number, text: string, extra: Record<string, string> = {}): void {
    res.writeHead(status, { ...SECURITY_HEADERS, ...extra, 'content-type': 'text/plain; charset=utf-8' });
    res.end(text);
  }
}
