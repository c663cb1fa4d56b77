import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GroupCommit } from './groupCommit.ts';

// A commit function whose transactions finish only when the spec says so.
function controlled() {
  const calls: Array<{ parts: readonly string[]; finish: (error?: Error) => void }> = [];
  let open = 0;
  let mostOpen = 0;
  const commit = (parts: readonly string[]) => new Promise<void>((resolve, reject) => {
    mostOpen = Math.max(mostOpen, ++open);
    calls.push({ parts, finish: (error) => { open--; if (error) reject(error); else resolve(); } });
  });
  return { calls, commit, mostOpen: () => mostOpen };
}

const settled = (p: Promise<void>) => p.then(() => 'ok', (e: Error) => e.message);
const tick = () => new Promise((r) => setImmediate(r));

describe('GroupCommit', () => {
  it('commits the first part at once and everything submitted meanwhile together in the next', async () => {
    const c = controlled();
    const group = new GroupCommit(c.commit);
    const a = settled(group.submit('a'));
    const b = settled(group.submit('b'));
    const d = settled(group.submit('d'));
    assert.deepEqual(c.calls.map((x) => x.parts), [['a']]);
    c.calls[0]!.finish();
    await tick();
    assert.deepEqual(c.calls.map((x) => x.parts), [['a'], ['b', 'd']]);
    c.calls[1]!.finish();
    assert.deepEqual(await Promise.all([a, b, d]), ['ok', 'ok', 'ok']);
    assert.equal(c.mostOpen(), 1);
  });

  it('fails exactly the parts of the transaction that failed, and goes on with later ones', async () => {
    const c = controlled();
    const group = new GroupCommit(c.commit);
    const a = settled(group.submit('a'));
    const b = settled(group.submit('b'));
    const d = settled(group.submit('d'));
    c.calls[0]!.finish();
    await tick();
    const e = settled(group.submit('e'));
    c.calls[1]!.finish(new Error('fenced'));
    await tick();
    assert.deepEqual(c.calls.map((x) => x.parts), [['a'], ['b', 'd'], ['e']]);
    c.calls[2]!.finish();
    assert.deepEqual(await Promise.all([a, b, d, e]), ['ok', 'fenced', 'fenced', 'ok']);
  });
});
