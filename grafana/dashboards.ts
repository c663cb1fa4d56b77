import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Dashboard } from '@grafana/schema';
import { engagementDashboard } from './engagementDashboard.ts';
import { pipelineDashboard } from './pipelineDashboard.ts';

/** Where the generated JSON goes; docker-compose mounts it at /var/lib/grafana/dashboards. */
export const DASHBOARDS_DIR = fileURLToPath(new URL('./dashboards/', import.meta.url));

/** Every generated dashboard by file name (`grafana/dashboards/<name>`). */
export function buildDashboards(): Record<string, Dashboard> {
  return { 'engagement.json': engagementDashboard(), 'pipeline-health.json': pipelineDashboard() };
}

/** A dashboard as its committed file holds it: 2-space JSON with a final newline. */
export function dashboardFileText(dashboard: Dashboard): string {
  return `${JSON.stringify(dashboard, null, 2)}\n`;
}

/** Writes every dashboard into `dir`; returns the files written. `npm run dashboards` runs this. */
export function writeDashboards(dir = DASHBOARDS_DIR): string[] {
  mkdirSync(dir, { recursive: true });
  return Object.entries(buildDashboards()).map(([name, dashboard]) => {
    writeFileSync(`${dir}/${name}`, dashboardFileText(dashboard));
    return name;
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const name of writeDashboards()) console.log(`grafana/dashboards/${name}`);
}
