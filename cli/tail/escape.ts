// C0 controls, DEL, C1 controls (0x9b is a one-byte CSI on some terminals), the line and
// paragraph separators, and the bidi embeddings, overrides and isolates that can make text
// display in another order than it is stored (CVE-2021-42574, "Trojan Source").
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const UNSAFE_OR_BACKSLASH = /[\\\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const SHORT: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeChar(c: string): string {
  const code = c.charCodeAt(0);
  return SHORT[c] ?? (code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`);
}

/**
 * Untrusted text (chat, titles, logins, reasons) made safe for a terminal line: every control
 * character, bidi control and line separator becomes a visible escape (`\x1b`, `\n`, `\u202e`)
 * and a backslash becomes `\\`, so the output cannot move the cursor, change colours or start
 * a new line, and reads back unambiguously. Printable text of any script is left as it is.
 *
 * @example escapeText('hi\x1b[2J') // 'hi\\x1b[2J'
 */
export function escapeText(text: string): string {
  return text.replace(UNSAFE_OR_BACKSLASH, escapeChar);
}

/**
 * `JSON.stringify` of `value` with the characters it leaves raw but a terminal may act on (DEL,
 * C1 controls, line separators, bidi controls) written as `\uXXXX`: still valid JSON, same value.
 */
export function safeJson(value: unknown): string {
  return JSON.stringify(value).replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Raw bytes for a line: `"…"` with {@link escapeText} when they are valid UTF-8, else `hex:…`.
 * @example rawBytes(Buffer.from([0xff, 0x00])) // 'hex:ff00'
 */
export function rawBytes(bytes: Uint8Array): string {
  const text = utf8OrNull(bytes);
  return text === null ? `hex:${Buffer.from(bytes).toString('hex')}` : `"${escapeText(text).replace(/"/g, '\\"')}"`;
}

/** The bytes as text when they are valid UTF-8, else null. */
export function utf8OrNull(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}
