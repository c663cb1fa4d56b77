import { Observable, type OperatorFunction } from 'rxjs';
import type { LateVerdict } from './windowedAggregate.ts';

/**
 * A stateful stream operator in the topology: takes records in (per-partition) order, returns
 * the results that became final, reports late records, and flushes what is open when the input
 * completes. Operators hold no clock: time is the records' event time.
 */
export interface StreamOperator<In, Out> {
  /** Name for late-record reports and logs, e.g. `chat_rate_10s`. */
  readonly name: string;
  process(record: In): Out[];
  /** Results still open, as final (completion of a finite input). */
  flush(): Out[];
}

/**
 * What an operator or window store answers for a record that completes nothing, the common case:
 * one shared, frozen empty array, so such a record allocates none (pushing into it throws).
 */
export const NOTHING: readonly never[] = Object.freeze([]);

/** Something that wants to know about late records. */
export type LateSink = (operator: string, verdict: LateVerdict) => void;

/**
 * Runs a {@link StreamOperator} as an RxJS operator: each input may emit results; completion
 * flushes the open state.
 * @example messages$.pipe(asRx(new ChatRateOperator(tumblingWindows({ sizeMs: 10_000 }))))
 */
export function asRx<In, Out>(operator: StreamOperator<In, Out>): OperatorFunction<In, Out> {
  return (source) =>
    new Observable<Out>((subscriber) =>
      source.subscribe({
        next(record) {
          for (const out of operator.process(record)) subscriber.next(out);
        },
        error: (e) => subscriber.error(e),
        complete() {
          for (const out of operator.flush()) subscriber.next(out);
          subscriber.complete();
        },
      }),
    );
}
