import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../core/errors.ts';
import { HelixRateLimiter } from './rateLimiter.ts';
import { virtualClock } from './testkit.ts';

describe('HelixRateLimiter', () => {
  it('lets one request out until the first answer tells the bucket, then spends what Remaining allows', async () => {
    const clock = virtualClock(1_700_000_000_000);
    const limiter = new HelixRateLimiter({ clock: clock.now, sleep: clock.sleep });
    await limiter.acquire();
    let second = false;
    const pending = limiter.acquire().then(() => (second = true));
    await new Promise((r) => setImmediate(r));
    assert.equal(second, false);
    limiter.observe(200, { 'ratelimit-limit': '800', 'ratelimit-remaining': '799', 'ratelimit-reset': '1700000001' });
    await pending;
    assert.equal(limiter.snapshot().remaining, 798);
    assert.equal(clock.now(), 1_700_000_000_000, 'no wait while points remain');
  });

  it('waits for the refill when the bucket is empty (800 points per 60 s: 75 ms a point)', async () => {
    const clock = virtualClock(0);
    const limiter = new HelixRateLimiter({ clock: clock.now, sleep: clock.sleep });
    await limiter.acquire();
    limiter.observe(200, { 'ratelimit-limit': '800', 'ratelimit-remaining': '0', 'ratelimit-reset': '60' });
    await limiter.acquire();
    assert.equal(clock.now(), 75);
  });

  it('after a 429 sends nothing until Ratelimit-Reset', async () => {
    const clock = virtualClock(1_700_000_000_000);
    const limiter = new HelixRateLimiter({ clock: clock.now, sleep: clock.sleep });
    await limiter.acquire();
    limiter.observe(429, { 'ratelimit-limit': '800', 'ratelimit-remaining': '0', 'ratelimit-reset': '1700000042' });
    await limiter.acquire();
    assert.ok(clock.now() >= 1_700_000_042_000);
    assert.equal(limiter.snapshot().rateLimited, 1);
  });

  it('counts requests in flight against the server\'s Remaining', async () => {
    const clock = virtualClock(0);
    const limiter = new HelixRateLimiter({ clock: clock.now, sleep: clock.sleep });
    await limiter.acquire();
    limiter.observe(200, { 'ratelimit-limit': '10', 'ratelimit-remaining': '5', 'ratelimit-reset': '30' });
    for (let i = 0; i < 5; i++) await limiter.acquire();
    limiter.observe(200, { 'ratelimit-limit': '10', 'ratelimit-remaining': '4', 'ratelimit-reset': '36' });
    assert.equal(limiter.snapshot().remaining, 0, '4 left on the server, 4 still in flight');
  });

  it('refuses a non-positive refill window', () => {
    assert.throws(() => new HelixRateLimiter({ refillWindowMs: 0 }), ConfigError);
  });
});
