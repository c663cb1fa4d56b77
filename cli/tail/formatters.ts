import type { TopicId } from '../../schemas/catalogue.ts';
import type {
  CategoryChange, ChatEvent, ChatMessage, Clip, DeadLetter, Moderation, StreamSnapshot,
} from '../../schemas/types.ts';
import { escapeText as e, rawBytes, safeJson } from './escape.ts';

/** How `tail` shows and filters the records of one kind of topic. */
export interface TailFormatter {
  /** The channel login a record belongs to (for `--channel`), or null. */
  channel(value: never): string | null;
  /** The values `--kind` matches against; absent when the topic has no kind. */
  readonly kinds?: (value: never) => Array<string | null>;
  /** Which fields `--kind` matches, for usage messages. */
  readonly kindField?: string;
  /** The record's main fields on one line, every untrusted string escaped. */
  text(value: never): string;
}

/** Epoch ms as ISO 8601 UTC, or `-` for a missing time (Kafka gives -1 for a record without one). */
export function isoTime(ms: number | null | undefined): string {
  return ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0 ? '-' : new Date(ms).toISOString();
}

const num = (n: number, digits = 2) => (Number.isInteger(n) ? String(n) : n.toFixed(digits));
const opt = (name: string, v: string | number | null | undefined) => (v === null || v === undefined || v === '' ? '' : ` ${name}=${typeof v === 'string' ? e(v) : v}`);
const span = (beginMs: number, endMs: number) => `${isoTime(beginMs)}–${isoTime(endMs)}`;
/** A hype that crossed the alert severity is an alert; any other is a highlight. */
const severity = (alert: boolean | undefined) => (alert ? 'alert' : 'highlight');

interface Windowed { channel: string; windowStartMs: number; windowEndMs: number }
interface ChatRate extends Windowed { messages: number; chatters: number; firstTimeChatters: number; bits: number }
interface SubActivity extends Windowed { subs: number; resubs: number; giftedSubs: number; massGifts: number; upgrades: number; prime: number }
interface SubBurst { channel: string; beginMs: number; endMs: number; contributions: number; distinctContributors: number; giftedSubs: number }
// `alert` and `cancelledAtMs` are absent in records written before the schemas had them.
interface Hype { channel: string; beginMs: number; peakMs: number; endMs: number; peakRatePerMin: number; baselineRatePerMin: number; intensity: number; messages: number; alert?: boolean }
interface HypeStart { channel: string; beginMs: number; ratePerMin: number; baselineRatePerMin: number; zScore: number; alert?: boolean }
interface AdWindow { channel: string; startMs: number; endMs: number; score: number; reason: string; ratePerMin: number; cancelledAtMs?: number | null }
interface LateRecord { operator: string; channel: string; sourceTopic: string; sourcePartition: number; sourceOffset: string; eventTimeMs: number; windowStartMs: number; windowEndMs: number }

const chatMessage: TailFormatter = {
  channel: (m: ChatMessage) => m.channel,
  text: (m: ChatMessage) => `#${e(m.channel)} ${e(m.login)}: ${e(m.text)}${m.bits > 0 ? ` [bits=${m.bits}]` : ''}`,
};

const chatEvent: TailFormatter = {
  channel: (v: ChatEvent) => v.channel,
  kinds: (v: ChatEvent) => [v.kind, v.msgId],
  kindField: 'kind or msg-id',
  text: (v: ChatEvent) =>
    `#${e(v.channel)} ${v.kind === 'unknown' ? `unknown(msg-id=${e(v.msgId)})` : v.kind} ${e(v.login) || '-'}`
    + opt('plan', v.subPlan) + opt('gifts', v.massGiftCount) + opt('months', v.cumulativeMonths)
    + opt('to', v.recipientLogin) + opt('viewers', v.viewerCount) + (v.text ? `: ${e(v.text)}` : ''),
};

const moderation: TailFormatter = {
  channel: (v: Moderation) => v.channel,
  kinds: (v: Moderation) => [v.kind],
  kindField: 'kind',
  text: (v: Moderation) => `#${e(v.channel)} ${v.kind} ${e(v.targetLogin ?? '') || '-'}${opt('seconds', v.durationSeconds)}${v.text ? `: ${e(v.text)}` : ''}`,
};

const streamSnapshot: TailFormatter = {
  channel: (v: StreamSnapshot) => v.login,
  text: (v: StreamSnapshot) => `${e(v.login)} ${v.viewerCount} viewers ${e(v.gameName)} (${e(v.language)}): ${e(v.title)}`,
};

const deadLetter: TailFormatter = {
  channel: (v: DeadLetter) => v.channel,
  kinds: (v: DeadLetter) => [v.errorCode, v.stage],
  kindField: 'error code or stage',
  text: (v: DeadLetter) =>
    `${e(v.stage)} ${e(v.errorCode)}: ${e(v.reason)}`
    + (v.sourceTopic === null ? '' : ` source=${e(v.sourceTopic)}/${v.sourcePartition ?? '-'}@${v.sourceOffset ?? '-'}`)
    + opt('channel', v.channel) + ` raw=${rawBytes(v.raw)}`,
};

const lateRecord: TailFormatter = {
  channel: (v: LateRecord) => v.channel,
  kinds: (v: LateRecord) => [v.operator],
  kindField: 'operator',
  text: (v: LateRecord) => `#${e(v.channel)} ${e(v.operator)} event ${isoTime(v.eventTimeMs)} window ${span(v.windowStartMs, v.windowEndMs)} source=${e(v.sourceTopic)}/${v.sourcePartition}@${v.sourceOffset}`,
};

const chatRate: TailFormatter = {
  channel: (v: ChatRate) => v.channel,
  text: (v: ChatRate) => `#${e(v.channel)} ${span(v.windowStartMs, v.windowEndMs)} ${v.messages} messages ${v.chatters} chatters${opt('first', v.firstTimeChatters || null)}${opt('bits', v.bits || null)}`,
};

const subActivity: TailFormatter = {
  channel: (v: SubActivity) => v.channel,
  text: (v: SubActivity) => `#${e(v.channel)} ${span(v.windowStartMs, v.windowEndMs)} subs=${v.subs} resubs=${v.resubs} gifted=${v.giftedSubs} massGifts=${v.massGifts} upgrades=${v.upgrades} prime=${v.prime}`,
};

const subBurst: TailFormatter = {
  channel: (v: SubBurst) => v.channel,
  text: (v: SubBurst) => `#${e(v.channel)} ${span(v.beginMs, v.endMs)} ${v.contributions} contributions from ${v.distinctContributors} people, ${v.giftedSubs} gifted`,
};

const hype: TailFormatter = {
  channel: (v: Hype) => v.channel,
  text: (v: Hype) => `#${e(v.channel)} ${span(v.beginMs, v.endMs)} peak ${num(v.peakRatePerMin)}/min at ${isoTime(v.peakMs)} baseline ${num(v.baselineRatePerMin)}/min intensity ${num(v.intensity)} messages ${v.messages} ${severity(v.alert)}`,
};

const hypeStart: TailFormatter = {
  channel: (v: HypeStart) => v.channel,
  text: (v: HypeStart) => `#${e(v.channel)} hype began ${isoTime(v.beginMs)} at ${num(v.ratePerMin)}/min, baseline ${num(v.baselineRatePerMin)}/min, z ${num(v.zScore)} ${severity(v.alert)}`,
};

const adWindow: TailFormatter = {
  channel: (v: AdWindow) => v.channel,
  text: (v: AdWindow) => `#${e(v.channel)} ${span(v.startMs, v.endMs)} score ${num(v.score)} rate ${num(v.ratePerMin)}/min${v.cancelledAtMs == null ? '' : ` cancelled at ${isoTime(v.cancelledAtMs)}`}: ${e(v.reason)}`,
};

const categoryChange: TailFormatter = {
  channel: (v: CategoryChange) => v.login,
  text: (v: CategoryChange) => `${e(v.login)} ${e(v.fromGameName)} → ${e(v.toGameName)} viewers ${v.viewersBefore}→${v.viewersAfter} risk ${num(v.riskScore)}${v.reasons.length ? ` (${v.reasons.map(e).join('; ')})` : ''}`,
};

const clip: TailFormatter = {
  channel: (v: Clip) => v.channel,
  text: (v: Clip) => `#${e(v.channel)} clip ${e(v.clipId)} ${span(v.momentStartMs, v.momentEndMs)} (${e(v.momentFrom)}) ${v.viewCount} views by ${e(v.creatorName)}: ${e(v.title)}`,
};

/** The formatter of each catalogue topic. */
export const TAIL_FORMATTERS: Readonly<Record<TopicId, TailFormatter>> = Object.freeze({
  chatMessages: chatMessage,
  chatEvents: chatEvent,
  moderation,
  streamSnapshots: streamSnapshot,
  deadLetter,
  lateRecords: lateRecord,
  chatRates: chatRate,
  subActivity,
  subBursts: subBurst,
  hype,
  hypeStarts: hypeStart,
  adWindows: adWindow,
  categoryChanges: categoryChange,
  clips: clip,
});

/** For a topic outside the catalogue: `channel` (or `login`) and `kind` when present, the value as escaped JSON. */
export const GENERIC_FORMATTER: TailFormatter = {
  channel: (v: Record<string, unknown>) => (typeof v?.channel === 'string' ? v.channel : typeof v?.login === 'string' ? v.login : null),
  kinds: (v: Record<string, unknown>) => [typeof v?.kind === 'string' ? v.kind : null],
  kindField: 'kind',
  text: (v: unknown) => safeJson(v),
};
