import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

const dir = new URL('../../grafana/provisioning/', import.meta.url);

/** A provisioning file of `grafana/provisioning/`, parsed (`yaml` package). */
export function provisioningFile<T = Record<string, unknown>>(path: string): T {
  return parse(readFileSync(new URL(path, dir), 'utf8')) as T;
}

/** The provisioned alert rules' shape, as far as the tests read it. */
export interface AlertingFile {
  apiVersion: number;
  groups: Array<{ name: string; folder: string; interval: string; rules: Array<{
    uid: string; title: string; condition: string; noDataState: string; execErrState: string; for: string;
    labels?: Record<string, string>; annotations?: Record<string, string>;
    data: Array<{ refId: string; datasourceUid: string; relativeTimeRange?: { from: number; to: number }; model: Record<string, unknown> }>;
  }> }>;
  contactPoints: Array<{ name: string; receivers: Array<{ uid: string; type: string; settings: Record<string, unknown> }> }>;
  policies: Array<{ receiver: string; group_by?: string[]; routes?: Array<{ receiver: string; object_matchers?: string[][] }> }>;
}

/** `alerting/hype.yaml`. */
export function alertingFile(): AlertingFile {
  return provisioningFile<AlertingFile>('alerting/hype.yaml');
}

/** The SQL of the hype alert rule's ClickHouse query, and its time range in seconds before now. */
export function hypeAlertQuery(): { rawSql: string; fromSeconds: number; toSeconds: number } {
  const rule = alertingFile().groups[0]!.rules[0]!;
  const query = rule.data.find((d) => d.refId === 'A')!;
  return { rawSql: String(query.model.rawSql), fromSeconds: query.relativeTimeRange!.from, toSeconds: query.relativeTimeRange!.to };
}
