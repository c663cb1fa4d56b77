#!/usr/bin/env node
// Runs node's test runner on every file under the given folders whose name ends with one of
// the given suffixes (Node 20's --test takes no glob patterns).
//   node test/run.mjs unit                -> *.spec.ts beside the code
//   node test/run.mjs integration         -> test/integration/**/*.test.ts, one file at a time
//   node test/run.mjs faults              -> test/faults/**/*.test.ts (the fault and abuse suite)
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const SUITES = {
  unit: { dirs: ['core', 'schemas', 'connectors', 'topology', 'clickhouse', 'grafana', 'stack', 'cli', 'test/unit'], suffix: '.spec.ts', concurrency: 2 },
  integration: { dirs: ['test/integration'], suffix: '.test.ts', concurrency: 1 },
  faults: { dirs: ['test/faults'], suffix: '.test.ts', concurrency: 1 },
};

function walk(dir, suffix, out) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, suffix, out);
    else if (name.endsWith(suffix)) out.push(relative(root, path));
  }
  return out;
}

const [suiteName, ...filters] = process.argv.slice(2);
const suite = SUITES[suiteName];
if (!suite) {
  console.error(`usage: node test/run.mjs ${Object.keys(SUITES).join('|')} [filter…]`);
  process.exit(2);
}
let files = suite.dirs.flatMap((d) => walk(join(root, d), suite.suffix, [])).sort();
if (filters.length) files = files.filter((f) => filters.some((x) => f.includes(x)));
if (files.length === 0) {
  console.error(`no ${suite.suffix} files found for ${suiteName}`);
  process.exit(1);
}
// The tests' data sets are dated 2024: a raw table's default retention (90 days, migration
// 0008) would let ClickHouse delete their rows in a background merge while a test reads them.
const env = { ...process.env, CLICKHOUSE_RAW_RETENTION_DAYS: process.env.CLICKHOUSE_RAW_RETENTION_DAYS || '3650' };
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${suite.concurrency}`, '--test-reporter=spec', ...files],
  { cwd: root, stdio: 'inherit', env },
);
process.exit(result.status ?? 1);
