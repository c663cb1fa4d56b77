// Needs: the docker CLI with the compose plugin (stack/compose/install.sh); no Docker engine.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { REPO_ROOT } from '../../core/config.ts';

function compose(...args: string[]) {
  return spawnSync('docker', ['compose', ...args], { cwd: REPO_ROOT, encoding: 'utf8' });
}

describe('docker-compose.yml', () => {
  it('passes docker compose config and runs the servers the project needs', () => {
    const result = compose('config', '--format', 'json');
    assert.equal(result.status, 0, `docker compose config failed: ${result.stderr}`);
    const config = JSON.parse(result.stdout) as { services: Record<string, { image?: string; build?: unknown; environment?: Record<string, string> }> };
    for (const service of ['kafka', 'registry', 'clickhouse', 'minio', 'grafana', 'topics-init']) {
      assert.ok(config.services[service], `service ${service}`);
    }
    assert.match(config.services.kafka!.image!, /^apache\/kafka:3\./);
    assert.equal(config.services['topics-init']!.environment!.SCHEMA_REGISTRY_URL, 'http://registry:8080/apis/ccompat/v7');
  });
});
