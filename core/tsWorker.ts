import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts a worker thread running the TypeScript module at `moduleUrl`. A worker does not inherit
 * the tsx loader its parent was started with, so the thread registers tsx before importing.
 */
export function startTsWorker(moduleUrl: URL, options: Omit<WorkerOptions, 'eval'> = {}): Worker {
  const source = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(moduleUrl.href)}); });`;
  return new Worker(source, { ...options, eval: true });
}
