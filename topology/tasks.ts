import type { ChatEvent, ChatMessage } from '../schemas/types.ts';
import { AdWindowOperator } from './adWindows.ts';
import { ChatRateOperator } from './chatRate.ts';
import { HypeOperator } from './hype.ts';
import { NOTHING } from './operator.ts';
import { SubActivityOperator } from './subActivity.ts';
import { SubBurstOperator } from './subBursts.ts';
import type { LateVerdict, LowWatermark, WindowedAggregate } from './windowedAggregate.ts';
import { tumblingWindows, type TumblingWindows } from './windows.ts';

/** Which derived topic an output goes to. */
export type OutputKind = 'chatRates' | 'subActivity' | 'subBursts' | 'hype' | 'hypeStarts' | 'adWindows' | 'lateRecords';

/** One result of a task, before encoding. */
export interface TaskOutput {
  readonly kind: OutputKind;
  readonly key: string;
  readonly value: object;
}

/** What a task writes into its checkpoint besides operator snapshots. */
export interface TaskCheckpoint {
  /** Next input offset to process: everything before it is reflected in committed results. */
  readonly position: number;
  /** Re-read the input from here (with this stream time) to rebuild the open windows. */
  readonly low: LowWatermark | null;
  readonly streamTime: number;
  readonly snapshots: Record<string, unknown>;
}

/** Window sizes of the runtime's chat-rate outputs; hype learns from the first. */
export interface TaskWindows {
  readonly rates: readonly TumblingWindows[];
  readonly subActivity: TumblingWindows;
}

/** Defaults: 10 s and 1 min chat rates, 1 min sub activity, 5 s grace. */
export const DEFAULT_TASK_WINDOWS: TaskWindows = {
  rates: [tumblingWindows({ sizeMs: 10_000, graceMs: 5_000 }), tumblingWindows({ sizeMs: 60_000, graceMs: 5_000 })],
  subActivity: tumblingWindows({ sizeMs: 60_000, graceMs: 5_000 }),
};

/**
 * The operators of one input partition (a Kafka Streams "task"). While `emitting` is false the
 * task only rebuilds windowed state (replay after a restart): results, late reports and the
 * non-windowed operators (restored from the checkpoint instead) are left alone.
 */
abstract class Task<R> {
  emitting = true;
  /** Whether the snapshots may differ from the last checkpoint's; see {@link takeSnapshotsChanged}. */
  protected snapshotsChanged = true;
  protected readonly out: TaskOutput[] = [];
  private offset = -1;

  constructor(protected readonly sourceTopic: string, protected readonly partition: number) {}

  /** Processes one record at `offset`; returns what became final (empty while rebuilding). */
  process(record: R, offset: number): readonly TaskOutput[] {
    this.offset = offset;
    this.handle(record, offset);
    return this.out.length === 0 ? NOTHING : this.out.splice(0);
  }

  abstract checkpoint(position: number): TaskCheckpoint;

  /**
   * True when the snapshots may have changed since this was last asked (or since the task was
   * built or restored), so a checkpoint need not rewrite unchanged snapshots; resets the flag.
   */
  takeSnapshotsChanged(): boolean {
    const changed = this.snapshotsChanged;
    this.snapshotsChanged = false;
    return changed;
  }
  abstract restore(checkpoint: TaskCheckpoint): void;
  protected abstract handle(record: R, offset: number): void;

  protected late(operator: string, channel: string, graceMs: number) {
    return (_name: string, v: LateVerdict) => {
      if (!this.emitting) return;
      this.out.push({
        kind: 'lateRecords', key: v.key,
        value: { operator, channel, sourceTopic: this.sourceTopic, sourcePartition: this.partition, sourceOffset: String(this.offset), eventTimeMs: v.timestampMs, streamTimeMs: v.streamTimeMs, windowStartMs: v.windowStartMs, windowEndMs: v.windowEndMs, graceMs },
      });
    };
  }

  protected static lowest(stores: ReadonlyArray<WindowedAggregate<unknown, unknown>>): LowWatermark | null {
    let low: LowWatermark | null = null;
    for (const s of stores) {
      const w = s.lowWatermark();
      if (w && (low === null || w.offset < low.offset)) low = w;
    }
    return low;
  }
}

/**
 * The chat-message fields a {@link ChatTask} reads; the runtime decodes only these (see
 * `AvroSerde.projection`), and tasks.spec.ts checks that the results do not change.
 */
export const CHAT_TASK_FIELDS: ReadonlyArray<keyof ChatMessage> = ['channel', 'roomId', 'userId', 'login', 'eventTimeMs', 'bits', 'emotes', 'emoteOnly', 'firstMsg', 'text'];

/** Chat messages of one partition: chat rates, hype and ad windows. */
export class ChatTask extends Task<ChatMessage> {
  private readonly rates: ChatRateOperator[];
  private readonly hype = new HypeOperator();
  private readonly ads = new AdWindowOperator();
  private channel = '';

  constructor(sourceTopic: string, partition: number, windows: TaskWindows = DEFAULT_TASK_WINDOWS) {
    super(sourceTopic, partition);
    this.rates = windows.rates.map((w) => new ChatRateOperator(w, (n, v) => this.late(n, this.channel, w.graceMs)(n, v)));
  }

  protected handle(m: ChatMessage, offset: number): void {
    this.channel = m.channel;
    for (let i = 0; i < this.rates.length; i++) {
      for (const rate of this.rates[i]!.process(m, offset)) {
        if (!this.emitting) continue;
        this.out.push({ kind: 'chatRates', key: rate.roomId, value: rate });
        if (i !== 0) continue;
        this.snapshotsChanged = true;
        for (const signal of this.hype.process(rate)) {
          if (signal.type === 'hype') this.out.push({ kind: 'hype', key: signal.hype.roomId, value: signal.hype });
          else if (signal.type === 'start') this.out.push({ kind: 'hypeStarts', key: signal.start.roomId, value: signal.start });
          for (const ad of this.ads.process(signal)) this.out.push({ kind: 'adWindows', key: ad.roomId, value: ad });
        }
      }
    }
  }

  checkpoint(position: number): TaskCheckpoint {
    const stores = this.rates.map((r) => r.windowStore as WindowedAggregate<unknown, unknown>);
    return { position, low: Task.lowest(stores), streamTime: stores[0]!.streamTimeMs, snapshots: { hype: this.hype.snapshot(), ads: this.ads.snapshot() } };
  }

  restore(c: TaskCheckpoint): void {
    this.hype.restore(c.snapshots.hype);
    this.ads.restore(c.snapshots.ads);
    for (const r of this.rates) r.windowStore.restoreStreamTime(c.low ? c.low.streamTimeBefore : c.streamTime);
  }
}

/** Chat events of one partition: sub activity and sub bursts. */
export class EventTask extends Task<ChatEvent> {
  private readonly subs: SubActivityOperator;
  private readonly bursts = new SubBurstOperator();
  private channel = '';

  constructor(sourceTopic: string, partition: number, windows: TaskWindows = DEFAULT_TASK_WINDOWS) {
    super(sourceTopic, partition);
    this.subs = new SubActivityOperator(windows.subActivity, (n, v) => this.late(n, this.channel, windows.subActivity.graceMs)(n, v));
  }

  protected handle(e: ChatEvent, offset: number): void {
    this.channel = e.channel;
    this.snapshotsChanged = true;
    for (const a of this.subs.process(e, offset)) if (this.emitting) this.out.push({ kind: 'subActivity', key: a.roomId, value: a });
    if (!this.emitting) return;
    for (const b of this.bursts.process(e)) this.out.push({ kind: 'subBursts', key: b.roomId, value: b });
  }

  checkpoint(position: number): TaskCheckpoint {
    const store = this.subs.windowStore as WindowedAggregate<unknown, unknown>;
    return { position, low: Task.lowest([store]), streamTime: store.streamTimeMs, snapshots: { origins: this.subs.giftOrigins.snapshot(), bursts: this.bursts.snapshot() } };
  }

  restore(c: TaskCheckpoint): void {
    this.subs.giftOrigins.restore(c.snapshots.origins);
    this.bursts.restore(c.snapshots.bursts);
    this.subs.windowStore.restoreStreamTime(c.low ? c.low.streamTimeBefore : c.streamTime);
  }
}
