import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import avro from 'avsc';
import { ALL_TOPICS, TOPICS, loadSchema, valueSubject } from './catalogue.ts';

interface Field { name: string; doc?: string }

describe('topic catalogue', () => {
  it('names each topic once and gives every topic a parsable Avro schema', () => {
    assert.equal(new Set(ALL_TOPICS.map((t) => t.name)).size, ALL_TOPICS.length);
    for (const t of ALL_TOPICS) {
      const type = avro.Type.forSchema(loadSchema(t) as avro.Schema);
      assert.ok(type.name, `${t.name} has a named record schema`);
      assert.ok(t.partitions >= 1 && t.retentionMs > 0, `${t.name} has partitions and retention`);
    }
  });

  it('documents every schema: namespace, record doc and a doc on every field', () => {
    for (const t of ALL_TOPICS) {
      const schema = loadSchema(t) as { namespace?: string; doc?: string; fields: Field[] };
      assert.match(schema.namespace ?? '', /^tv\.twitchpulse\./, `${t.schemaFile} namespace`);
      assert.ok(schema.doc, `${t.schemaFile} doc`);
      for (const f of schema.fields) assert.ok(f.doc, `${t.schemaFile} field ${f.name} has a doc`);
    }
  });

  it('uses every .avsc file in schemas/avro', () => {
    const files = readdirSync(fileURLToPath(new URL('./avro/', import.meta.url))).filter((f) => f.endsWith('.avsc'));
    assert.deepEqual(files.sort(), ALL_TOPICS.map((t) => t.schemaFile).sort());
  });

  it('spells chat event kinds as Twitch spells msg-id, with unknown as the default', () => {
    const schema = loadSchema(TOPICS.chatEvents) as { fields: Array<{ name: string; type: { symbols?: string[]; default?: string } }> };
    const kind = schema.fields.find((f) => f.name === 'kind')!.type;
    for (const id of ['sub', 'resub', 'subgift', 'submysterygift', 'anonsubmysterygift', 'raid', 'sharedchatnotice', 'viewermilestone']) {
      assert.ok(kind.symbols!.includes(id), id);
    }
    assert.equal(kind.default, 'unknown');
  });

  it('reads records written before issue #19 with the new fields at their defaults (BACKWARD): alert false, cancelledAtMs null', () => {
    for (const [topic, field, expected] of [[TOPICS.hype, 'alert', false], [TOPICS.hypeStarts, 'alert', false], [TOPICS.adWindows, 'cancelledAtMs', null]] as const) {
      const schema = loadSchema(topic) as { fields: Field[] };
      const reader = avro.Type.forSchema(schema as avro.Schema);
      const writer = avro.Type.forSchema({ ...schema, fields: schema.fields.filter((f) => f.name !== field) } as avro.Schema);
      const old: unknown = writer.random();
      const read = reader.fromBuffer(writer.toBuffer(old), reader.createResolver(writer)) as Record<string, unknown>;
      assert.equal(read[field], expected, `${topic.schemaFile} ${field}`);
    }
  });

  it('uses the TopicNameStrategy subject', () => {
    assert.equal(valueSubject('twitch.chat.messages'), 'twitch.chat.messages-value');
  });
});
