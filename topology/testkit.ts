// Record builders for the operator specs (not used by production code).
import type { ChatEvent, ChatMessage } from '../schemas/types.ts';

/** A chat message with sensible defaults; override what the spec is about. */
export function message(over: Partial<ChatMessage> & { eventTimeMs: number }): ChatMessage {
  return {
    id: `m${over.eventTimeMs}-${Math.random().toString(36).slice(2, 7)}`, channel: 'chan', roomId: '1', userId: 'u1', login: 'user1', displayName: 'User1',
    text: 'hi', receivedAtMs: over.eventTimeMs, badges: {}, badgeInfo: {}, subscriberMonths: null, bits: 0,
    emotes: [], emoteCount: 0, emoteOnly: false, firstMsg: false, returningChatter: false, mod: false, vip: false,
    subscriber: false, replyParentMsgId: null, replyParentUserLogin: null, sourceRoomId: null, sourceId: null,
    ...over,
  };
}

/** A chat event with sensible defaults. */
export function event(over: Partial<ChatEvent> & Pick<ChatEvent, 'kind' | 'eventTimeMs'>): ChatEvent {
  return {
    id: `e${over.eventTimeMs}`, channel: 'chan', roomId: '1', msgId: over.kind, sourceMsgId: null, sourceRoomId: null, sourceId: null,
    userId: 'g1', login: 'gifter1', displayName: 'Gifter1', text: null, systemMsg: null, receivedAtMs: over.eventTimeMs,
    cumulativeMonths: null, streakMonths: null, subPlan: '1000', subPlanName: null, giftMonths: null, massGiftCount: null,
    senderCount: null, recipientId: null, recipientLogin: null, recipientDisplayName: null, originId: null, viewerCount: null,
    raiderLogin: null, bitsThreshold: null, params: {}, tags: {},
    ...over,
  };
}
