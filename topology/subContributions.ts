import type { ChatEvent } from '../schemas/types.ts';

/** What one USERNOTICE contributes to a channel's subscriptions. */
export interface SubContribution {
  readonly type: 'sub' | 'resub' | 'gift' | 'mass_gift' | 'upgrade';
  /** Subscriptions it stands for (a mass gift: its gift count). */
  readonly count: number;
  /** `Prime`, `1000`, `2000`, `3000`, or null when Twitch sent none. */
  readonly plan: string | null;
  /** Login of who paid (gifter or subscriber). */
  readonly contributor: string;
}

/** How long a mass gift's origin id is remembered to match its subgift lines, ms of event time. */
export const GIFT_ORIGIN_MEMORY_MS = 10 * 60_000;

/**
 * Reads subscription contributions from chat events, counting each subscription once:
 * a mass (mystery) gift counts by its gift count, and the individual `subgift` lines Twitch
 * sends after it (same `msg-param-origin-id`) are not counted again. Shared-chat echoes of
 * another channel's events (`sharedchatnotice`, or a `source-room-id` of another room) count
 * in their own channel only, never here.
 */
export class SubContributions {
  private readonly origins = new Map<string, Map<string, number>>();

  /** State for a checkpoint (see stateCodec). */
  snapshot(): unknown {
    return this.origins;
  }

  /** Restores {@link snapshot}. */
  restore(state: unknown): void {
    this.origins.clear();
    for (const [k, v] of state as Map<string, Map<string, number>>) this.origins.set(k, v);
  }

  /** The contribution of `event`, or null when it is none (or was already counted). */
  read(event: ChatEvent): SubContribution | null {
    if (event.kind === 'sharedchatnotice') return null;
    if (event.sourceRoomId && event.sourceRoomId !== event.roomId) return null;
    const contributor = event.login || event.userId;
    switch (event.kind) {
      case 'sub':
      case 'resub':
        return { type: event.kind, count: 1, plan: event.subPlan, contributor };
      case 'subgift':
      case 'anonsubgift':
        if (event.originId && this.seen(event.roomId, event.originId, event.eventTimeMs)) return null;
        return { type: 'gift', count: 1, plan: event.subPlan, contributor };
      case 'submysterygift':
      case 'anonsubmysterygift':
        if (event.originId) this.remember(event.roomId, event.originId, event.eventTimeMs);
        return { type: 'mass_gift', count: Math.max(1, event.massGiftCount ?? 1), plan: event.subPlan, contributor };
      case 'giftpaidupgrade':
      case 'anongiftpaidupgrade':
      case 'primepaidupgrade':
        return { type: 'upgrade', count: 1, plan: event.subPlan, contributor };
      default:
        return null;
    }
  }

  private remember(roomId: string, originId: string, tsMs: number): void {
    let byOrigin = this.origins.get(roomId);
    if (!byOrigin) this.origins.set(roomId, (byOrigin = new Map()));
    byOrigin.set(originId, tsMs);
    if (byOrigin.size > 64) {
      for (const [id, at] of byOrigin) if (at < tsMs - GIFT_ORIGIN_MEMORY_MS) byOrigin.delete(id);
    }
  }

  private seen(roomId: string, originId: string, tsMs: number): boolean {
    const at = this.origins.get(roomId)?.get(originId);
    return at !== undefined && tsMs - at <= GIFT_ORIGIN_MEMORY_MS;
  }
}
