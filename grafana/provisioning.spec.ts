import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { alertingFile, hypeAlertQuery, provisioningFile } from '../test/support/grafanaProvisioning.ts';
import { CLICKHOUSE_DATASOURCE } from './datasource.ts';
import { referencedVariables } from './sqlMacros.ts';

interface DatasourcesFile { apiVersion: number; datasources: Array<{ name: string; uid: string; type: string; jsonData: Record<string, unknown>; secureJsonData?: Record<string, unknown> }> }
interface ProvidersFile { apiVersion: number; providers: Array<{ name: string; type: string; options: { path: string } }> }

describe('Grafana provisioning (grafana/provisioning/, Grafana 11 file formats)', () => {
  it('provisions the ClickHouse plugin with the uid the dashboards use, connection settings from the environment', () => {
    const file = provisioningFile<DatasourcesFile>('datasources/clickhouse.yaml');
    assert.equal(file.apiVersion, 1);
    assert.equal(file.datasources.length, 1);
    const [ds] = file.datasources;
    assert.deepEqual([ds!.type, ds!.uid], [CLICKHOUSE_DATASOURCE.type, CLICKHOUSE_DATASOURCE.uid]);
    assert.deepEqual(
      [ds!.jsonData.protocol, ds!.jsonData.host, ds!.jsonData.port, ds!.jsonData.username, ds!.jsonData.defaultDatabase, ds!.secureJsonData?.password],
      ['http', '$CLICKHOUSE_HOST', 8123, '$CLICKHOUSE_USER', '$CLICKHOUSE_DATABASE', '$CLICKHOUSE_PASSWORD'],
    );
  });

  it('provisions the generated dashboards from the folder docker-compose mounts', () => {
    const file = provisioningFile<ProvidersFile>('dashboards/twitch-pulse.yaml');
    assert.equal(file.apiVersion, 1);
    assert.deepEqual(file.providers.map((p) => [p.type, p.options.path]), [['file', '/var/lib/grafana/dashboards']]);
  });

  it('has a hype alert rule on the ClickHouse data source: hype_starts table, alerts only, time filter, one value per channel, firing above 0', () => {
    const file = alertingFile();
    assert.equal(file.apiVersion, 1);
    const rule = file.groups[0]!.rules[0]!;
    const [a, b, c] = rule.data;
    assert.deepEqual([a!.refId, a!.datasourceUid, (a!.model.datasource as { uid: string }).uid], ['A', CLICKHOUSE_DATASOURCE.uid, CLICKHOUSE_DATASOURCE.uid]);
    const { rawSql, fromSeconds, toSeconds } = hypeAlertQuery();
    assert.match(rawSql, /FROM hype_starts FINAL/);
    assert.match(rawSql, /\$__timeFilter\(begin_time\)/);
    assert.match(rawSql, /\balert = 1\b/, 'only hypes that crossed the alert severity alert; highlights do not');
    assert.match(rawSql, /GROUP BY channel/);
    assert.deepEqual(referencedVariables(rawSql), [], 'alert queries have no dashboard variables');
    assert.ok(fromSeconds > 0 && fromSeconds <= 600 && toSeconds === 0, `looks back ${fromSeconds} s`);
    assert.deepEqual([b!.datasourceUid, b!.model.type, b!.model.expression], ['__expr__', 'reduce', 'A']);
    assert.deepEqual([c!.datasourceUid, c!.model.type, c!.model.expression], ['__expr__', 'threshold', 'B']);
    assert.deepEqual((c!.model.conditions as Array<{ evaluator: unknown }>)[0]!.evaluator, { type: 'gt', params: [0] });
    assert.equal(rule.condition, 'C');
    assert.equal(rule.noDataState, 'OK', 'no hype is not an alert');
    assert.equal(rule.labels?.kind, 'hype');
    assert.match(rule.annotations!.summary!, /\{\{ \$labels\.channel \}\}/);
  });

  it('sends alerts to a webhook contact point whose URL comes from the environment, and routes hype alerts to it', () => {
    const file = alertingFile();
    const [point] = file.contactPoints;
    const [receiver] = point!.receivers;
    assert.deepEqual([receiver!.type, receiver!.settings.url], ['webhook', '$ALERT_WEBHOOK_URL']);
    const [policy] = file.policies;
    assert.equal(policy!.receiver, point!.name);
    assert.deepEqual(policy!.routes?.map((r) => [r.receiver, r.object_matchers]), [[point!.name, [['kind', '=', 'hype']]]]);
    assert.ok(policy!.group_by?.includes('channel'));
  });
});
