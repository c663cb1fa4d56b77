// Needs: Debian's chromium at /usr/bin/chromium (driven by playwright-core); the Kafka test also
// needs Kafka and Apicurio Registry of the local stack. The first test serves the wall from the
// in-process topology on simulated chat laced with hostile names, texts and emotes; the second
// runs `twitch-pulse wall` on Kafka and produces derived records into topics of its own.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { REPO_ROOT } from '../../core/config.ts';
import { Pacer } from '../../connectors/simulator/pacer.ts';
import { simulateChat, simulatedChannels } from '../../connectors/simulator/chatSimulator.ts';
import { parseChatLine } from '../../connectors/twitch/chatRecord.ts';
import { escapeTagValue } from '../../connectors/twitch/ircLine.ts';
import { feedPaced, serveInProcessWall, type RunningWall } from '../../connectors/wall/run.ts';
import { CONTENT_SECURITY_POLICY } from '../../connectors/wall/server.ts';
import { TOPICS, type TopicId } from '../../schemas/catalogue.ts';
import { AvroSerde } from '../../schemas/serde.ts';
import { createTestTopic, endpoints, kill, testKafka, uniqueName } from './harness.ts';

const ARTIFACTS = join(REPO_ROOT, 'test-artifacts');
const IMG = '<img src=x onerror="window.__pwned=1">';
const SCRIPT = '</script><script>window.__pwned=1</script>';
const SVG = `"'><svg onload=window.__pwned=1>`;
// An emote whose id and name are both hostile; its name is the text its range covers.
const EMOTE_ID = `e"'<b>`;
const EMOTE_TEXT = `${SVG} pwned`;

function hostileLines(ts: number, n: number): string[] {
  const room = 'room-id=990000001';
  const common = `id=hostile-${n}-`;
  return [
    `@badge-info=;badges=;display-name=${escapeTagValue(IMG)};emotes=${EMOTE_ID}:0-${Array.from(SVG).length - 1};${common}m;${room};tmi-sent-ts=${ts};user-id=4242 :evil!evil@evil.tmi.twitch.tv PRIVMSG #hostile_channel :${EMOTE_TEXT}`,
    `@badge-info=;badges=;display-name=${escapeTagValue(IMG)};${common}r;login=evil;msg-id=resub;msg-param-cumulative-months=3;msg-param-sub-plan=1000;${room};system-msg=${escapeTagValue('evil subscribed')};tmi-sent-ts=${ts + 1};user-id=4242 :tmi.twitch.tv USERNOTICE #hostile_channel :${SCRIPT}`,
    `@badge-info=;badges=;display-name=${escapeTagValue(SVG)};${common}b;login=evil2;msg-id=submysterygift;msg-param-mass-gift-count=5;msg-param-origin-id=o${n};msg-param-sub-plan=1000;${room};tmi-sent-ts=${ts + 2};user-id=4243 :tmi.twitch.tv USERNOTICE #hostile_channel`,
  ];
}

// Simulated chat of four channels from five minutes ago on, with the hostile lines every 2 s.
function* chatWithHostiles(startMs: number): Generator<string> {
  let nextHostile = startMs;
  let n = 0;
  const sim = simulateChat({ channels: simulatedChannels(4), startMs, durationMs: 3_600_000, seed: 7, burstChancePerSecond: 1 / 60, giftBombChancePerSecond: 1 / 60 });
  for (const line of sim) {
    const ts = Number(/tmi-sent-ts=(\d+)/.exec(line)![1]);
    while (ts >= nextHostile) {
      yield* hostileLines(nextHostile, n++);
      nextHostile += 2_000;
    }
    yield line;
  }
}

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined | false;
  while (Date.now() < deadline) {
    last = await probe();
    if (last) return last;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what}: not seen in ${timeoutMs} ms (last: ${JSON.stringify(last)})`);
}

async function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: process.getuid?.() === 0 ? ['--no-sandbox'] : [] });
}

// Text of the live numbers: messages/s and every channel's current rate.
const numbers = (page: Page) => page.evaluate(() => [document.getElementById('msgs')!.textContent, ...[...document.querySelectorAll('.channel .rate')].map((e) => e.textContent)].join(' '));

describe('live wall in headless Chromium', () => {
  let browser: Browser;
  before(async () => {
    browser = await launch();
  });
  after(() => browser?.close());

  describe('in-process on simulated chat with hostile messages', () => {
    let running: RunningWall;
    let stopFeed = () => undefined as void;
    before(async () => {
      const now = Date.now();
      const pacer = new Pacer(chatWithHostiles(now - 5 * 60_000)[Symbol.iterator](), { startEventMs: now, startWallMs: now });
      running = await serveInProcessWall({ port: 0, mode: 'test simulation', eventClock: () => pacer.eventTimeAt(Date.now()) });
      stopFeed = feedPaced(running.wall, pacer);
    });
    after(async () => {
      stopFeed();
      await running?.close();
    });

    it('loads, its numbers move, hostile strings show as text and none of them runs', async () => {
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      const response = await page.goto(running.url);
      assert.equal(response?.status(), 200);
      assert.equal(response?.headers()['content-security-policy'], CONTENT_SECURITY_POLICY);
      await until('connected', async () => (await page.textContent('#conn')) === 'live');
      await until('channel rows', async () => (await page.locator('.channel').count()) >= 5);

      const first = await numbers(page);
      const second = await until('numbers changing', async () => {
        const now = await numbers(page);
        return now !== first && now;
      });
      assert.notEqual(second, first);
      const windowsBefore = Number((await page.textContent('#windows'))!.replace(/,/g, ''));
      await until('windows out growing', async () => Number((await page.textContent('#windows'))!.replace(/,/g, '')) > windowsBefore, 40_000);

      const text = await until('hostile strings on the page', async () => {
        const body = await page.evaluate(() => document.body.textContent ?? '');
        return [IMG, SCRIPT, SVG, '#hostile_channel'].every((s) => body.includes(s)) && body;
      });
      assert.ok(text.length > 0);
      const emotes = await until('the hostile emote, named by its text', async () => {
        const t = await page.textContent('.channel[data-channel="hostile_channel"] .emotes');
        return t?.startsWith(`${SVG} ×`) && t;
      });
      assert.ok(!emotes.includes(EMOTE_ID), 'its name, not its id');
      const injected = await page.evaluate(() => ({
        pwned: (window as unknown as { __pwned?: unknown }).__pwned,
        img: document.querySelectorAll('img').length,
        scripts: [...document.scripts].map((s) => s.getAttribute('src')),
        handlers: document.querySelectorAll('[onerror], [onload]').length,
        bold: document.querySelectorAll('b:not(#msgs):not(#windows)').length,
        foreignSvg: [...document.querySelectorAll('svg')].filter((s) => s.getAttribute('class') !== 'spark').length,
      }));
      assert.deepEqual(injected, { pwned: undefined, img: 0, scripts: ['/wall.js'], handlers: 0, bold: 0, foreignSvg: 0 });
      assert.deepEqual(errors, []);

      await until('a gift bomb in the feed', async () => (await page.locator('#feed li.submysterygift').count()) > 0);
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, 'wall.png'), fullPage: true });
      await page.close();
    });
  });

  describe('on Kafka: `twitch-pulse wall` reads derived records of its topics', () => {
    const kafka = testKafka();
    const serde = AvroSerde.connect(endpoints.registryUrl);
    const prefix = `${uniqueName('it-wall')}.`;
    const ids: TopicId[] = ['chatRates', 'hypeStarts', 'hype', 'subBursts', 'adWindows', 'chatEvents'];
    const schemaIds = new Map<TopicId, number>();
    const children: ChildProcess[] = [];
    let child: ChildProcess;
    let url = '';

    before(async () => {
      for (const id of ids) {
        await createTestTopic(kafka, `${prefix}${TOPICS[id].name}`);
        schemaIds.set(id, await serde.registerTopic(TOPICS[id], `${prefix}${TOPICS[id].name}`));
      }
      ({ child, url } = await startWall());
    });
    after(async () => {
      await Promise.all(children.map(kill));
      const admin = kafka.admin();
      await admin.connect();
      await admin.deleteTopics({ topics: ids.map((id) => `${prefix}${TOPICS[id].name}`) }).catch(() => undefined);
      await admin.disconnect();
    });

    async function startWall(): Promise<{ child: ChildProcess; url: string }> {
      const wall = spawn(process.execPath, ['bin/twitch-pulse.mjs', 'wall', '--port', '0', '--topic-prefix', prefix, '--lookback', '10m', '--status-every', '1'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      children.push(wall);
      let out = '';
      wall.stderr!.on('data', (c: Buffer) => (out += c));
      const found = await new Promise<string>((resolve, reject) => {
        wall.stdout!.on('data', (c: Buffer) => {
          out += c;
          const m = /live wall: (http:\/\/\S+)/.exec(out);
          if (m) resolve(m[1]!);
        });
        wall.once('exit', (code) => reject(new Error(`wall exited ${code}: ${out}`)));
      });
      return { child: wall, url: found };
    }

    async function produce(id: TopicId, value: unknown): Promise<void> {
      const producer = kafka.producer();
      await producer.connect();
      await producer.send({ topic: `${prefix}${TOPICS[id].name}`, messages: [{ key: 'it', value: await serde.encode(schemaIds.get(id)!, value) }] });
      await producer.disconnect();
    }

    it('shows committed chat rates, hype, an ad window and a gift bomb as they arrive', async () => {
      const page = await browser.newPage();
      await page.goto(url);
      await until('connected', async () => (await page.textContent('#conn')) === 'live');
      const now = Date.now();
      const start = now - (now % 10_000) - 10_000;
      const rate = { channel: 'it_wall', roomId: '777', windowStartMs: start, windowEndMs: start + 10_000, sizeMs: 10_000, messages: 42, chatters: 9, firstTimeChatters: 0, emoteOnlyMessages: 0, bits: 0, topEmotes: [{ id: EMOTE_ID, count: 7 }], early: false };
      await produce('chatRates', rate);
      await until('the first window’s rate', async () => (await page.textContent('.channel[data-channel="it_wall"] .rate')) === '252');
      await produce('chatRates', { ...rate, windowStartMs: start + 10_000, windowEndMs: start + 20_000, messages: 5 });
      await until('the next window’s rate', async () => (await page.textContent('.channel[data-channel="it_wall"] .rate')) === '30');

      await produce('hype', { channel: 'it_wall', roomId: '777', beginMs: start - 30_000, peakMs: start - 20_000, endMs: start, peakRatePerMin: 900, baselineRatePerMin: 60, intensity: 6.5, messages: 400, topEmotes: [{ id: EMOTE_ID, count: 77 }], alert: false });
      await produce('adWindows', { channel: 'it_wall', roomId: '777', startMs: now - 1_000, endMs: now + 120_000, score: 0.8, reason: SCRIPT, ratePerMin: 300, baselineRatePerMin: 60, cancelledAtMs: null });
      const bomb = parseChatLine(hostileLines(now, 99)[2]!, now);
      assert.equal(bomb.kind, 'event');
      await produce('chatEvents', bomb.value);
      await produce('subBursts', { channel: 'it_wall', roomId: '777', beginMs: now - 60_000, endMs: now, contributions: 12, distinctContributors: 4, giftedSubs: 10, topGifters: [{ login: IMG, gifts: 10 }] });

      await until('the hype card', async () => ((await page.textContent('#hypes')) ?? '').includes(`${EMOTE_ID} ×77`));
      await until('the ad window, now', async () => (await page.textContent('#ads .card.ad-now')) ?? '' );
      assert.ok(((await page.textContent('#ads')) ?? '').includes(SCRIPT), 'the reason as text');
      assert.equal(await page.locator('#hypes .card.highlight[data-channel="it_wall"]').count(), 1, 'a hype that is not an alert is a highlight');

      // Issue #19: a hype that begins inside a current ad window holds it (never AD NOW in hype),
      // its second announcement makes it an alert, and the window's cancellation replaces it.
      const card = (where: string, channel: string) => page.locator(`${where} .card[data-channel="${channel}"]`);
      const ad = { channel: 'it_alert', roomId: '778', startMs: now - 1_000, endMs: now + 120_000, score: 0.7, reason: 'calm but attended', ratePerMin: 40, baselineRatePerMin: 40, cancelledAtMs: null };
      await produce('adWindows', ad);
      await until('the second channel’s ad window, now', async () => (await card('#ads', 'it_alert').getAttribute('class')) === 'card ad-now');
      const announced = { channel: 'it_alert', roomId: '778', beginMs: now, messages: 90, ratePerMin: 540, baselineRatePerMin: 40, zScore: 9, alert: false };
      await produce('hypeStarts', announced);
      await until('a highlight in progress', async () => (await card('#hypes', 'it_alert').getAttribute('class')) === 'card highlight live');
      await until('the window held while the channel is in hype', async () => (await card('#ads', 'it_alert').getAttribute('class')) === 'card ad-held');
      assert.equal(await page.locator('#ads .card.ad-now[data-channel="it_alert"]').count(), 0);
      await produce('hypeStarts', { ...announced, zScore: 16, alert: true });
      await until('the same hype, now an alert', async () => (await card('#hypes', 'it_alert').getAttribute('class')) === 'card alert live');
      assert.equal(await card('#hypes', 'it_alert').locator('.severity').textContent(), 'ALERT');
      await produce('adWindows', { ...ad, cancelledAtMs: now + 10_000 });
      await until('the window, cancelled', async () => (await card('#ads', 'it_alert').getAttribute('class')) === 'card ad-cancelled');
      assert.equal(await card('#ads', 'it_alert').count(), 1, 'the cancellation replaced the window');
      assert.match((await card('#ads', 'it_alert').textContent()) ?? '', /cancelled: a hype began at/);
      await until('the gift bomb and the burst in the feed', async () => (await page.locator('#feed li.submysterygift').count()) === 1 && (await page.locator('#feed li.sub_burst').count()) === 1);
      const feed = (await page.textContent('#feed')) ?? '';
      assert.ok(feed.includes(SVG) && feed.includes(`${IMG} ×10`), feed);
      assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned), undefined);
      assert.equal(await page.locator('img').count(), 0);

      // read_committed: a transaction that was aborted never shows; one committed after it does.
      const transactional = kafka.producer({ transactionalId: uniqueName('it-wall-tx'), idempotent: true, maxInFlightRequests: 1 });
      await transactional.connect();
      for (const [channel, commit] of [['it_aborted', false], ['it_committed', true]] as const) {
        const tx = await transactional.transaction();
        await tx.send({ topic: `${prefix}${TOPICS.chatRates.name}`, messages: [{ key: channel, value: await serde.encode(schemaIds.get('chatRates')!, { ...rate, channel, roomId: channel }) }] });
        await (commit ? tx.commit() : tx.abort());
      }
      await transactional.disconnect();
      await until('the committed transaction’s window', async () => (await page.locator('.channel[data-channel="it_committed"]').count()) === 1);
      assert.equal(await page.locator('.channel[data-channel="it_aborted"]').count(), 0, 'the aborted one is not shown');
      await until('the status counting the final windows and their rate', async () => (await page.textContent('#windows')) === '3' && (await page.textContent('#msgs')) === '4.7');
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, 'wall-kafka.png'), fullPage: true });
      await page.close();
    });

    it('a wall started later shows the records of its lookback', async () => {
      const later = await startWall();
      const page = await browser.newPage();
      await page.goto(later.url);
      await until('the latest window’s rate', async () => (await page.textContent('.channel[data-channel="it_wall"] .rate')) === '30');
      await until('the hype card', async () => ((await page.textContent('#hypes')) ?? '').includes(`${EMOTE_ID} ×77`));
      await until('the feed', async () => (await page.locator('#feed li').count()) === 2);
      await until('the alert and the cancelled window', async () => (await page.locator('#hypes .card.alert.live[data-channel="it_alert"]').count()) === 1 && (await page.locator('#ads .card.ad-cancelled[data-channel="it_alert"]').count()) === 1);
      assert.ok(child.exitCode === null, 'the first wall still runs');
      await page.close();
    });
  });
});
