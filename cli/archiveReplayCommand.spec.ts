import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError } from '../core/errors.ts';
import { parseArchiveUrl } from './archiveReplayCommand.ts';

describe('replay --from-archive addresses', () => {
  it('split into bucket and object prefix; a bare topic matches that topic only', () => {
    assert.deepEqual(parseArchiveUrl('s3://archive/twitch.chat.messages'), { bucket: 'archive', prefix: 'twitch.chat.messages/' });
    assert.deepEqual(parseArchiveUrl('s3://archive/twitch.chat.messages/'), { bucket: 'archive', prefix: 'twitch.chat.messages/' });
    assert.deepEqual(parseArchiveUrl('s3://archive/twitch.chat.messages/date=2024-05-01/hour=1'),
      { bucket: 'archive', prefix: 'twitch.chat.messages/date=2024-05-01/hour=1' });
  });

  it('refuse anything that is not s3://BUCKET/TOPIC…', () => {
    for (const bad of ['archive/t', 's3://archive', 's3://archive/', 'http://archive/t']) assert.throws(() => parseArchiveUrl(bad), UsageError, bad);
  });
});
