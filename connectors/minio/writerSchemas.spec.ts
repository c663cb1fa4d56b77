import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UnavailableError, UnknownSchemaIdError, UnsupportedSchemaError } from '../../core/errors.ts';
import { TOPICS, loadSchema } from '../../schemas/catalogue.ts';
import { WriterSchemas } from './writerSchemas.ts';

function registry(answers: Record<number, unknown>) {
  const calls: string[] = [];
  const fetchImpl = (async (url: string) => {
    calls.push(url);
    const id = Number(url.split('/').pop());
    const answer = answers[id];
    if (answer instanceof Error) throw answer;
    if (answer === undefined) return new Response('{"error_code":40403}', { status: 404 });
    if (typeof answer === 'number') return new Response('', { status: answer });
    return new Response(JSON.stringify({ schema: JSON.stringify(answer) }), { status: 200 });
  }) as unknown as typeof fetch;
  return { calls, schemas: new WriterSchemas('http://registry/apis/ccompat/v7', fetchImpl) };
}

describe('WriterSchemas', () => {
  it('fetches a schema once, keeps the registry text as it was and compiles its columns', async () => {
    const { calls, schemas } = registry({ 7: loadSchema(TOPICS.moderation) });
    assert.equal(schemas.peek(7), undefined);
    const first = await schemas.get(7);
    assert.equal(first.text, JSON.stringify(loadSchema(TOPICS.moderation)));
    assert.equal(first.mapping.fullName, 'tv.twitchpulse.chat.Moderation');
    assert.equal(await schemas.get(7), first);
    assert.equal(schemas.peek(7), first);
    assert.deepEqual(calls, ['http://registry/apis/ccompat/v7/schemas/ids/7']);
  });

  it('remembers a schema id the registry does not know, and one without a Parquet form (records are dead-lettered)', async () => {
    const { calls, schemas } = registry({ 9: { type: 'record', name: 'R', fields: [{ name: 'x', type: ['int', 'string'] }] } });
    await assert.rejects(schemas.get(8), UnknownSchemaIdError);
    await assert.rejects(schemas.get(8), UnknownSchemaIdError);
    await assert.rejects(schemas.get(9), UnsupportedSchemaError);
    await assert.rejects(schemas.get(9), UnsupportedSchemaError);
    assert.equal(calls.length, 2);
  });

  it('reports an unreachable or failing registry as retriable, and asks again next time', async () => {
    const down = registry({ 5: new TypeError('fetch failed'), 6: 503 });
    await assert.rejects(down.schemas.get(5), (e: unknown) => e instanceof UnavailableError && e.retriable);
    await assert.rejects(down.schemas.get(6), UnavailableError);
    await assert.rejects(down.schemas.get(6), UnavailableError);
    assert.equal(down.calls.length, 3);
  });
});
