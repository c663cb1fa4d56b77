// Needs: the docker CLI with the compose plugin (stack/compose/install.sh); no Docker engine.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT } from '../../core/config.ts';

// No password has a default in docker-compose.yml: the read-only Grafana user's and MinIO's must be given.
const PASSWORDS = { CLICKHOUSE_GRAFANA_PASSWORD: randomBytes(12).toString('hex'), MINIO_ROOT_PASSWORD: randomBytes(12).toString('hex') };

function compose(...args: string[]) {
  return spawnSync('docker', ['compose', ...args], { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, ...PASSWORDS } });
}

describe('docker-compose.yml', () => {
  it('passes docker compose config and runs the servers the project needs', () => {
    const result = compose('config', '--format', 'json');
    assert.equal(result.status, 0, `docker compose config failed: ${result.stderr}`);
    for (const name of Object.keys(PASSWORDS)) {
      const withoutPassword: NodeJS.ProcessEnv = { ...process.env, ...PASSWORDS };
      delete withoutPassword[name];
      const unset = spawnSync('docker', ['compose', 'config', '--quiet'], { cwd: REPO_ROOT, encoding: 'utf8', env: withoutPassword });
      assert.notEqual(unset.status, 0, `docker compose config refuses to run without ${name}`);
      assert.match(unset.stderr, new RegExp(name));
    }
    const config = JSON.parse(result.stdout) as { services: Record<string, { image?: string; build?: unknown; environment?: Record<string, string> }> };
    for (const service of ['kafka', 'registry', 'clickhouse', 'minio', 'grafana', 'topics-init']) {
      assert.ok(config.services[service], `service ${service}`);
    }
    assert.match(config.services.kafka!.image!, /^apache\/kafka:3\./);
    assert.equal(config.services['topics-init']!.environment!.SCHEMA_REGISTRY_URL, 'http://registry:8080/apis/ccompat/v7');
  });

  it('provisions Grafana: the ClickHouse plugin, the provisioning and dashboard folders, the data source and webhook settings', () => {
    const result = compose('config', '--format', 'json');
    assert.equal(result.status, 0, result.stderr);
    const services = (JSON.parse(result.stdout) as { services: Record<string, { image?: string; environment?: Record<string, string>; volumes?: Array<{ source: string; target: string; read_only?: boolean }> }> }).services;
    const grafana = services.grafana!;
    assert.match(grafana.image!, /^grafana\/grafana:11\./);
    const env = grafana.environment!;
    assert.equal(env.GF_INSTALL_PLUGINS, 'grafana-clickhouse-datasource');
    // Grafana reads as ClickHouse's read-only user, defined by the file mounted into clickhouse.
    assert.deepEqual([env.CLICKHOUSE_HOST, env.CLICKHOUSE_DATABASE, env.CLICKHOUSE_USER], ['clickhouse', 'twitch_pulse', 'grafana']);
    const clickhouse = services.clickhouse!;
    const usersFile = clickhouse.volumes!.find((v) => v.target === '/etc/clickhouse-server/users.d/grafana.xml');
    assert.equal(usersFile?.source, join(REPO_ROOT, 'clickhouse', 'users.d', 'grafana.xml'));
    assert.equal(env.CLICKHOUSE_PASSWORD, clickhouse.environment!.CLICKHOUSE_GRAFANA_PASSWORD, 'Grafana uses the password the user was given');
    const users = readFileSync(usersFile!.source, 'utf8');
    assert.match(users, /<grafana>[\s\S]*<profile>grafana_readonly<\/profile>/);
    assert.match(users, /<grafana_readonly>\s*<readonly>1<\/readonly>/);
    assert.match(env.ALERT_WEBHOOK_URL!, /^https?:\/\//);
    const mounts = Object.fromEntries(grafana.volumes!.map((v) => [v.target, v]));
    assert.equal(mounts['/etc/grafana/provisioning']?.source, join(REPO_ROOT, 'grafana', 'provisioning'));
    assert.equal(mounts['/var/lib/grafana/dashboards']?.source, join(REPO_ROOT, 'grafana', 'dashboards'));
    assert.ok(mounts['/etc/grafana/provisioning']?.read_only && mounts['/var/lib/grafana/dashboards']?.read_only);
    // Every variable the provisioning files expand is set for the container.
    for (const file of ['datasources/clickhouse.yaml', 'alerting/hype.yaml']) {
      const text = readFileSync(join(REPO_ROOT, 'grafana', 'provisioning', file), 'utf8').split('\n').filter((line) => !line.trimStart().startsWith('#')).join('\n');
      for (const [, name] of text.matchAll(/\$([A-Z][A-Z0-9_]+)/g)) assert.ok(name! in env, `${file} uses $${name}, which docker-compose.yml does not set`);
    }
    const provider = readFileSync(join(REPO_ROOT, 'grafana', 'provisioning', 'dashboards', 'twitch-pulse.yaml'), 'utf8');
    assert.match(provider, /path: \/var\/lib\/grafana\/dashboards/);
  });

  it('sets the webhook URL from ALERT_WEBHOOK_URL when given', () => {
    const result = spawnSync('docker', ['compose', 'config', '--format', 'json'], { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, ...PASSWORDS, ALERT_WEBHOOK_URL: 'https://hooks.example.test/hype' } });
    assert.equal(result.status, 0, result.stderr);
    assert.equal((JSON.parse(result.stdout) as { services: { grafana: { environment: Record<string, string> } } }).services.grafana.environment.ALERT_WEBHOOK_URL, 'https://hooks.example.test/hype');
  });
});
