import { setTimeout as sleepMs } from 'node:timers/promises';
import { ConfigError, HelixAuthError, HelixRequestError, UnavailableError, messageOf } from '../../core/errors.ts';
import { createLogger, type Logger } from '../../core/log.ts';
import type { HelixRateLimiter, RateLimitSnapshot } from './rateLimiter.ts';

/** Settings of a {@link HelixClient}; validated where built. */
export interface HelixClientOptions {
  /** Helix root, `https://api.twitch.tv/helix` on Twitch. */
  readonly helixUrl: string;
  /** OAuth root, `https://id.twitch.tv/oauth2` on Twitch. */
  readonly authUrl: string;
  readonly clientId: string;
  /** Never logged. */
  readonly clientSecret: string;
  readonly limiter: HelixRateLimiter;
  /** Attempts of one request on 5xx or no answer before it fails; default 8. */
  readonly maxAttempts?: number;
  /** First wait after a 5xx, ms; doubles up to `maxBackoffMs`. */
  readonly initialBackoffMs?: number;
  readonly maxBackoffMs?: number;
  readonly log?: Logger;
  readonly sleep?: (ms: number) => Promise<unknown>;
}

/** Counters of a {@link HelixClient}. */
export interface HelixClientStats {
  /** Helix requests sent, by endpoint (`streams`, `users`, `games`), retries included. */
  readonly requests: Record<string, number>;
  tokenRequests: number;
  unauthorized: number;
  rateLimited: number;
  serverErrors: number;
}

/**
 * A Helix client with an app access token from the client credentials grant
 * (https://dev.twitch.tv/docs/authentication/getting-tokens-oauth/#client-credentials-grant-flow),
 * refreshed when Helix answers 401. Every request takes a point from the shared
 * {@link HelixRateLimiter}; a 429 waits for `Ratelimit-Reset` and is sent again; a 5xx or a
 * dropped connection is retried with exponential backoff.
 *
 * @throws HelixAuthError when the token endpoint refuses the credentials.
 * @throws HelixRequestError on 400/403/404 (e.g. an invalid cursor), not retried.
 * @throws UnavailableError when Helix keeps failing after `maxAttempts`.
 * @example
 * const helix = new HelixClient({ helixUrl, authUrl, clientId, clientSecret, limiter: new HelixRateLimiter() });
 * const page = await helix.get<StreamsPage>('streams', [['first', '100']]);
 */
export class HelixClient {
  private token: string | null = null;
  private refreshing: Promise<string> | null = null;
  private readonly log: Logger;
  private readonly sleep: (ms: number) => Promise<unknown>;
  private readonly maxAttempts: number;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  readonly stats: HelixClientStats = { requests: {}, tokenRequests: 0, unauthorized: 0, rateLimited: 0, serverErrors: 0 };

  constructor(private readonly options: HelixClientOptions) {
    if (!options.clientId) throw new ConfigError('HELIX_CLIENT_ID', 'must be set');
    if (!options.clientSecret) throw new ConfigError('HELIX_CLIENT_SECRET', 'must be set');
    this.maxAttempts = options.maxAttempts ?? 8;
    this.initialBackoffMs = options.initialBackoffMs ?? 250;
    this.maxBackoffMs = options.maxBackoffMs ?? 10_000;
    if (!(this.maxAttempts >= 1)) throw new ConfigError('maxAttempts', `must be >= 1, got ${this.maxAttempts}`);
    if (!(this.maxBackoffMs >= this.initialBackoffMs)) throw new ConfigError('maxBackoffMs', `must be >= initialBackoffMs (${this.initialBackoffMs}), got ${this.maxBackoffMs}`);
    this.log = options.log ?? createLogger('helix');
    this.sleep = options.sleep ?? sleepMs;
  }

  /** The shared rate limiter's current view of the bucket. */
  rateLimit(): RateLimitSnapshot {
    return this.options.limiter.snapshot();
  }

  /** GET `${helixUrl}/${endpoint}?params`; resolves to the parsed JSON body of a 200. */
  async get<T>(endpoint: string, params: ReadonlyArray<readonly [string, string]>): Promise<T> {
    const query = new URLSearchParams(params as Array<[string, string]>).toString();
    const url = `${this.options.helixUrl.replace(/\/$/, '')}/${endpoint}${query ? `?${query}` : ''}`;
    let failures = 0;
    let backoffMs = this.initialBackoffMs;
    for (;;) {
      const token = this.token ?? (await this.refreshToken(null));
      await this.options.limiter.acquire();
      this.stats.requests[endpoint] = (this.stats.requests[endpoint] ?? 0) + 1;
      let response: Response;
      try {
        response = await fetch(url, { headers: { 'client-id': this.options.clientId, authorization: `Bearer ${token}` } });
      } catch (error) {
        this.options.limiter.observe(0);
        if (++failures >= this.maxAttempts) throw new UnavailableError('helix', `${endpoint}: ${messageOf(error)}`, error);
        await this.sleep(backoffMs);
        backoffMs = Math.min(this.maxBackoffMs, backoffMs * 2);
        continue;
      }
      this.options.limiter.observe(response.status, response.headers);
      if (response.ok) return (await response.json()) as T;
      const body = await response.text();
      if (response.status === 401) {
        this.stats.unauthorized++;
        if (++failures >= this.maxAttempts) throw new HelixRequestError(endpoint, 401, body);
        await this.refreshToken(token);
        continue;
      }
      if (response.status === 429) {
        // The limiter now holds every request until Ratelimit-Reset; not a failure of this one.
        this.stats.rateLimited++;
        continue;
      }
      if (response.status >= 500) {
        this.stats.serverErrors++;
        if (++failures >= this.maxAttempts) throw new UnavailableError('helix', `${endpoint} answered ${response.status} ${failures} times`);
        await this.sleep(backoffMs);
        backoffMs = Math.min(this.maxBackoffMs, backoffMs * 2);
        continue;
      }
      throw new HelixRequestError(endpoint, response.status, body);
    }
  }

  /**
   * Gets a new app access token unless another caller already replaced `stale` (many requests
   * may see the same 401 at once; one refresh serves them all).
   */
  private async refreshToken(stale: string | null): Promise<string> {
    if (this.token !== stale && this.token !== null) return this.token;
    this.refreshing ??= this.fetchToken().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private async fetchToken(): Promise<string> {
    this.stats.tokenRequests++;
    const q = new URLSearchParams({ client_id: this.options.clientId, client_secret: this.options.clientSecret, grant_type: 'client_credentials' });
    let failures = 0;
    let backoffMs = this.initialBackoffMs;
    for (;;) {
      let response: Response | null = null;
      let detail = '';
      try {
        response = await fetch(`${this.options.authUrl.replace(/\/$/, '')}/token?${q}`, { method: 'POST' });
        if (response.ok) {
          const body = (await response.json()) as { access_token?: string };
          if (!body.access_token) throw new HelixAuthError('token response has no access_token');
          this.token = body.access_token;
          this.log.info('app access token obtained');
          return this.token;
        }
        detail = `${response.status}`;
        if (response.status >= 400 && response.status < 500) throw new HelixAuthError(`token endpoint answered ${response.status}`);
      } catch (error) {
        if (error instanceof HelixAuthError) throw error;
        detail = messageOf(error);
      }
      if (++failures >= this.maxAttempts) throw new UnavailableError('twitch oauth', detail);
      await this.sleep(backoffMs);
      backoffMs = Math.min(this.maxBackoffMs, backoffMs * 2);
    }
  }
}
