import { secretValues } from './config.ts';

/** Structured log levels, lowest first. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Context fields of a log line (`channel`, `topic`, `partition`, …). Never secrets. */
export type LogFields = Record<string, string | number | boolean | null | undefined>;

/** A structured logger writing one JSON object per line to stderr. */
export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

/** What a secret is replaced with when a log line would carry it. */
export const REDACTED = '[redacted]';

/**
 * Replaces every occurrence of the given secrets in an already JSON-encoded line. Secrets are
 * kept out of log fields by design; this catches the ones an upstream error message quotes
 * (a URL with a password, a library echoing its config).
 */
export function redact(line: string, secrets: readonly string[]): string {
  let out = line;
  for (const secret of secrets) {
    // Shorter values would also mask ordinary words.
    if (secret.length < 4) continue;
    out = out.split(JSON.stringify(secret).slice(1, -1)).join(REDACTED);
  }
  return out;
}

/**
 * A logger for `component` at `level` (default: LOG_LEVEL or info). Lines go to stderr so
 * stdout stays clean for command output such as `analyze`'s JSON lines. The values of the
 * secret environment variables are redacted from every line.
 */
export function createLogger(
  component: string,
  level: LogLevel = (process.env.LOG_LEVEL as LogLevel) || 'info',
  write: (line: string) => void = (line) => process.stderr.write(line + '\n'),
  base: LogFields = {},
  secrets: readonly string[] = secretValues(),
): Logger {
  const min = ORDER[level] ?? ORDER.info;
  const emit = (lvl: LogLevel, msg: string, fields?: LogFields): void => {
    if (ORDER[lvl] < min) return;
    write(redact(JSON.stringify({ ts: new Date().toISOString(), level: lvl, component, msg, ...base, ...fields }), secrets));
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (fields) => createLogger(component, level, write, { ...base, ...fields }, secrets),
  };
}
