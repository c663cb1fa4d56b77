import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import type { FeedUpdate, WallUpdate } from './feed.ts';
import { CONTENT_SECURITY_POLICY, WallServer, sseFrame } from './server.ts';

const HOSTILE = '</script><script>window.__pwned=1</script>\n\ndata: {"type":"status"}\r\u2028<img src=x onerror="x()">';
const line = (id: string, who: string): FeedUpdate => ({ type: 'feed', kind: 'sub', id, channel: 'c', atMs: 0, who, count: 1, detail: who });

function get(url: string, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, url), { method, headers }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('sseFrame', () => {
  it('carries hostile text as one data line of JSON that parses back to the same update', () => {
    const update = line(HOSTILE, HOSTILE);
    const frame = sseFrame(update);
    assert.ok(frame.endsWith('\n\n'));
    const lines = frame.slice(0, -2).split(/\r\n|\r|\n/);
    assert.equal(lines.length, 1, 'no CR or LF inside the event');
    assert.ok(lines[0]!.startsWith('data: '));
    assert.deepEqual(JSON.parse(lines[0]!.slice('data: '.length)), update);
  });
});

describe('WallServer', () => {
  let snapshot: WallUpdate[] = [line('a', 'first')];
  const server = new WallServer({ port: 0, snapshot: () => snapshot });
  let url = '';
  before(async () => {
    url = await server.listen();
  });
  after(() => server.close());

  it('serves the page with a strict CSP: own scripts and styles only, nothing inline', async () => {
    const res = await get(url, '/');
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-security-policy'], CONTENT_SECURITY_POLICY);
    assert.match(CONTENT_SECURITY_POLICY, /default-src 'none'/);
    assert.doesNotMatch(CONTENT_SECURITY_POLICY, /unsafe-inline|unsafe-eval|\*/);
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.match(res.body, /<script src="\/wall\.js" defer><\/script>/);
    assert.doesNotMatch(res.body, /<script>|<style|\sstyle=|\son[a-z]+=/i, 'no inline script, style or handler');
    for (const path of ['/wall.js', '/wall.css']) assert.equal((await get(url, path)).status, 200, path);
  });

  it('refuses other hosts (DNS rebinding), other methods and unknown paths', async () => {
    assert.equal((await get(url, '/', { host: 'evil.example' })).status, 421);
    assert.equal((await get(url, '/', { host: 'localhost:1234' })).status, 200);
    assert.equal((await get(url, '/', {}, 'POST')).status, 405);
    assert.equal((await get(url, '/../package.json')).status, 404);
    assert.equal((await get(url, '/server.ts')).status, 404);
  });

  it('streams the snapshot then every published update as server-sent events', async () => {
    const body = await new Promise<string>((resolve, reject) => {
      request(new URL('/events', url), (res) => {
        assert.equal(res.headers['content-type'], 'text/event-stream; charset=utf-8');
        let text = '';
        res.on('data', (c) => {
          text += c;
          if (text.includes('"first"') && server.clientCount === 1 && !text.includes('second')) server.publish([line('b', HOSTILE), line('c', 'second')]);
          if (text.includes('"second"')) {
            res.destroy();
            resolve(text);
          }
        });
      }).on('error', reject).end();
    });
    const updates = body.split('\n\n').filter((f) => f.startsWith('data: ')).map((f) => JSON.parse(f.slice(6)) as FeedUpdate);
    assert.deepEqual(updates.map((u) => u.who), ['first', HOSTILE, 'second']);
  });

  it('serves the snapshot as JSON', async () => {
    snapshot = [line('x', HOSTILE)];
    const res = await get(url, '/snapshot.json');
    assert.equal(res.headers['content-type'], 'application/json; charset=utf-8');
    assert.deepEqual(JSON.parse(res.body), snapshot);
  });
});

describe('the page script', () => {
  it('never hands data to an HTML parser or evaluator', () => {
    const source = readFileSync(new URL('./page/wall.js', import.meta.url), 'utf8');
    for (const sink of ['innerHTML', 'outerHTML', 'insertAdjacentHTML', 'document.write', 'eval(', 'new Function', 'setTimeout(\'', 'srcdoc', 'DOMParser', 'createContextualFragment']) {
      assert.ok(!source.includes(sink), `wall.js uses ${sink}`);
    }
    assert.match(source, /textContent/);
  });
});
