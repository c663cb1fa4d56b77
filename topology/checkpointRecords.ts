import { decodeState, encodeState } from './stateCodec.ts';
import type { TaskCheckpoint } from './tasks.ts';

/** Suffix of the key under which a task's snapshots are kept, apart from its position. */
const SNAPSHOTS_SUFFIX = '#snapshots';

/**
 * A task's checkpoint as records of the compacted checkpoint topic. The position part (input
 * position, low watermark, stream time) is small and goes with every transaction; the snapshots
 * of the non-windowed operators (every channel's hype baseline, for instance) go only when they
 * may have changed, which for chat is once per closed window rather than once per batch. The
 * latest snapshots record then still holds the state at the latest position.
 */
export function checkpointRecords(key: string, checkpoint: TaskCheckpoint, snapshotsChanged: boolean): Array<{ key: string; value: Buffer }> {
  const { snapshots, ...position } = checkpoint;
  const records = [{ key, value: Buffer.from(encodeState(position)) }];
  if (snapshotsChanged) records.push({ key: `${key}${SNAPSHOTS_SUFFIX}`, value: Buffer.from(encodeState(snapshots)) });
  return records;
}

/**
 * The checkpoints of every task from the latest value of each key of the checkpoint topic
 * (see {@link checkpointRecords}). A checkpoint written whole, with its snapshots inside, is read
 * as it is.
 */
export function checkpointsFromRecords(latest: ReadonlyMap<string, Buffer>): Map<string, TaskCheckpoint> {
  const checkpoints = new Map<string, TaskCheckpoint>();
  for (const [key, value] of latest) {
    if (key.endsWith(SNAPSHOTS_SUFFIX)) continue;
    const checkpoint = decodeState<TaskCheckpoint>(value.toString());
    const snapshots = latest.get(`${key}${SNAPSHOTS_SUFFIX}`);
    checkpoints.set(key, { ...checkpoint, snapshots: checkpoint.snapshots ?? (snapshots ? decodeState<Record<string, unknown>>(snapshots.toString()) : {}) });
  }
  return checkpoints;
}
