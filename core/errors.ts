/**
 * The one error module of twitch-pulse. Every error the project throws on purpose is a
 * {@link PulseError}: callers branch on the class (or `code`), never on message text.
 *
 * `retriable` says whether the same call may succeed later (a server was down) or never will
 * (the input is bad). `cause` keeps the underlying error.
 */

/** Context fields an error may carry; all optional, logged as structured fields. */
export interface ErrorContext {
  topic?: string;
  partition?: number;
  offset?: string;
  channel?: string;
  subject?: string;
  schemaId?: number;
  field?: string;
  service?: string;
  table?: string;
}

/** Base class of every twitch-pulse error. */
export class PulseError extends Error {
  /** Stable machine-readable code, e.g. `SERDE_MISSING_MAGIC_BYTE`. */
  readonly code: string;
  /** True when retrying the same operation later may succeed. */
  readonly retriable: boolean;
  readonly context: ErrorContext;

  constructor(
    message: string,
    options: { code: string; retriable?: boolean; cause?: unknown; context?: ErrorContext },
  ) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code;
    this.retriable = options.retriable ?? false;
    this.context = options.context ?? {};
  }
}

/** A configuration value or spec is out of bounds. Names the field and its bound. */
export class ConfigError extends PulseError {
  constructor(field: string, message: string) {
    super(`${field} ${message}`, { code: 'CONFIG_INVALID', context: { field } });
  }
}

/** A payload cannot be decoded from the Confluent wire format. Never retriable. */
export class DeserializationError extends PulseError {}

/**
 * Another producer moved a source's committed checkpoint: two processes replay the same source,
 * and this one was fenced. Never retriable; the other process carries on.
 */
export class SourceFencedError extends PulseError {
  constructor(sourceId: string, detail: string) {
    super(`source ${sourceId} ${detail}`, { code: 'SOURCE_FENCED', context: { field: sourceId } });
  }
}

/** The first byte is not the Confluent magic byte 0. */
export class MissingMagicByteError extends DeserializationError {
  constructor(found: number | undefined, context: ErrorContext = {}) {
    super(
      found === undefined
        ? 'payload is empty: expected magic byte 0 followed by a 4-byte schema id'
        : `payload starts with byte ${found}, expected the Confluent magic byte 0`,
      { code: 'SERDE_MISSING_MAGIC_BYTE', context },
    );
  }
}

/** The payload names a schema id that the registry does not know. */
export class UnknownSchemaIdError extends DeserializationError {
  constructor(schemaId: number, cause: unknown, context: ErrorContext = {}) {
    super(`schema id ${schemaId} is not known to the schema registry`, {
      code: 'SERDE_UNKNOWN_SCHEMA_ID',
      cause,
      context: { ...context, schemaId },
    });
  }
}

/** The Avro body does not match the writer schema named by its id. */
export class CorruptPayloadError extends DeserializationError {
  constructor(schemaId: number, cause: unknown, context: ErrorContext = {}) {
    super(`payload with schema id ${schemaId} does not decode: ${messageOf(cause)}`, {
      code: 'SERDE_CORRUPT_PAYLOAD',
      cause,
      context: { ...context, schemaId },
    });
  }
}

/** A value does not match the schema it is to be written with. */
export class SerializationError extends PulseError {
  constructor(message: string, cause: unknown, context: ErrorContext = {}) {
    super(message, { code: 'SERDE_INVALID_RECORD', cause, context });
  }
}

/** The registry refused a schema because it breaks the subject's compatibility rule. */
export class SchemaIncompatibleError extends PulseError {
  constructor(subject: string, detail: string, cause?: unknown) {
    super(`schema for subject ${subject} is not compatible with earlier versions: ${detail}`, {
      code: 'SCHEMA_INCOMPATIBLE',
      cause,
      context: { subject },
    });
  }
}

/**
 * An Avro schema uses something the Parquet archive cannot represent as typed columns (a union
 * of two non-null types, a recursive record). Records written with it go to the dead-letter topic.
 */
export class UnsupportedSchemaError extends PulseError {
  constructor(detail: string, context: ErrorContext = {}) {
    super(`Avro schema cannot be archived as Parquet: ${detail}`, { code: 'ARCHIVE_UNSUPPORTED_SCHEMA', context });
  }
}

/** An object in the archive is not a twitch-pulse archive object: its name or its content. */
export class ArchiveObjectError extends PulseError {
  constructor(name: string, detail: string, cause?: unknown) {
    super(`archive object ${name}: ${detail}`, { code: 'ARCHIVE_BAD_OBJECT', cause, context: { field: name } });
  }
}

/**
 * The object store refused a request in a way that waiting will not fix (wrong credentials, no
 * such bucket). Not retriable, unlike an {@link UnavailableError}.
 */
export class ArchiveRefusedError extends PulseError {
  constructor(detail: string, cause?: unknown) {
    super(`object store refused the request: ${detail}`, { code: 'ARCHIVE_REFUSED', cause, context: { service: 'minio' } });
  }
}

/** A server the project needs did not answer (Kafka, registry, ClickHouse, MinIO). */
export class UnavailableError extends PulseError {
  constructor(service: string, detail: string, cause?: unknown) {
    super(`${service} is unavailable: ${detail}`, {
      code: 'SERVICE_UNAVAILABLE',
      retriable: true,
      cause,
      context: { service },
    });
  }
}

/** The local stack could not install or start a service. */
export class StackError extends PulseError {
  constructor(service: string, detail: string, cause?: unknown) {
    super(`${service}: ${detail}`, { code: 'STACK_FAILED', cause, context: { service } });
  }
}

/** A line is not valid IRC, or not a usable Twitch chat line. Carries the raw line. */
export class IrcParseError extends PulseError {
  readonly line: string;
  constructor(reason: string, line: string, context: ErrorContext = {}) {
    super(reason, { code: 'IRC_MALFORMED', context });
    this.line = line;
  }
}

/** A ClickHouse migration cannot be applied, or an applied one was edited afterwards. */
export class MigrationError extends PulseError {
  constructor(version: number, detail: string, cause?: unknown) {
    super(`migration ${version}: ${detail}`, { code: 'MIGRATION_FAILED', cause, context: { field: `migration ${version}` } });
  }
}

/**
 * A row cannot go into ClickHouse: it failed the sink's own checks (a value the column would
 * silently wrap or zero) or ClickHouse refused it. Not retriable: the row goes to the
 * dead-letter topic.
 */
export class RowRejectedError extends PulseError {
  constructor(table: string, detail: string, context: ErrorContext = {}, cause?: unknown) {
    super(`${table}: ${detail}`, { code: 'CLICKHOUSE_ROW_REJECTED', cause, context: { ...context, table } });
  }
}

/** A command line was wrong; the CLI prints it with usage and exits 2. */
export class UsageError extends PulseError {
  constructor(message: string) {
    super(message, { code: 'USAGE' });
  }
}

/**
 * A file a command reads is not in a format it understands: a labels file for `evaluate`, a
 * chat log. Names the file and where in it (`line 3`, `entry 2`); never retriable. The CLI
 * reports it without the usage text and exits 2, as for a wrong command line.
 */
export class InputFormatError extends PulseError {
  /** The path as given on the command line. */
  readonly file: string;
  /** Where in the file, e.g. `line 3` or `entry 2`; null when the whole file is wrong. */
  readonly where: string | null;
  constructor(file: string, where: string | null, detail: string) {
    super(`${file}${where ? ` ${where}` : ''}: ${detail}`, { code: 'INPUT_INVALID', context: { field: where ?? file } });
    this.file = file;
    this.where = where;
  }
}

/** The message of anything thrown, without assuming it is an Error. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Helix answered a request with an error that sending it again will not fix (400 for a bad
 * parameter or an invalid cursor, 403, 404), or kept failing after every retry. `status` is the
 * HTTP status (0 when no answer came).
 */
export class HelixRequestError extends PulseError {
  readonly status: number;
  constructor(endpoint: string, status: number, detail: string, options: { retriable?: boolean; cause?: unknown } = {}) {
    super(`Helix ${endpoint} answered ${status}: ${detail}`, {
      code: 'HELIX_REQUEST_FAILED',
      retriable: options.retriable ?? false,
      cause: options.cause,
      context: { service: 'helix', field: endpoint },
    });
    this.status = status;
  }
}

/**
 * Helix answered 200 with a record twitch-pulse cannot use as it is (a clip without an id, a
 * `created_at` that is not a time, a negative duration). Not retriable: the record goes to the
 * dead-letter topic with this reason. `field` names the Helix field at fault.
 */
export class HelixRecordError extends PulseError {
  constructor(endpoint: string, field: string, detail: string) {
    super(`Helix ${endpoint} record: ${field} ${detail}`, { code: 'HELIX_BAD_RECORD', context: { service: 'helix', field } });
  }
}

/** The Twitch token endpoint refused the client id or secret (client credentials grant). */
export class HelixAuthError extends PulseError {
  constructor(detail: string) {
    super(`Twitch refused the app credentials: ${detail}`, { code: 'HELIX_AUTH_FAILED', context: { service: 'helix' } });
  }
}

/**
 * A Grafana query or dashboard definition is wrong: a macro the ClickHouse plugin does not have
 * (or that ClickHouse 18.16 cannot run), an unknown template variable, a dashboard that breaks
 * Grafana's dashboard model. `field` names the panel or key.
 */
export class GrafanaDefinitionError extends PulseError {
  constructor(field: string, detail: string) {
    super(`${field}: ${detail}`, { code: 'GRAFANA_DEFINITION_INVALID', context: { field } });
  }
}

/** A worker thread a component relies on failed or exited; what it had in hand is not done. */
export class WorkerThreadError extends PulseError {
  constructor(component: string, detail: string, cause?: unknown) {
    super(`${component} worker thread failed: ${detail}`, { code: 'WORKER_THREAD_FAILED', cause, context: { service: component } });
  }
}

/**
 * A chat log cannot be read as the format it was detected as: not valid JSON, not the shape the
 * format has, or a line format without what every line needs (Chatterino's date). Fatal: the
 * command stops and names the format and, where there is one, the line or entry.
 */
export class ChatLogError extends PulseError {
  readonly format: string;
  /** 1-based line of the problem (a JSON syntax error, a line format's line), or null. */
  readonly line: number | null;
  /** 1-based entry (comment, item) of the problem in a JSON format, or null. */
  readonly entry: number | null;
  constructor(format: string, detail: string, at: { line?: number; entry?: number } = {}, cause?: unknown) {
    const where = at.line !== undefined ? ` line ${at.line}` : at.entry !== undefined ? ` entry ${at.entry}` : '';
    super(`${format}${where}: ${detail}`, { code: 'CHATLOG_UNREADABLE', cause, context: { field: format } });
    this.format = format;
    this.line = at.line ?? null;
    this.entry = at.entry ?? null;
  }
}

/**
 * One line or entry of a chat log is unusable (no time, no author, a raw line that does not
 * parse). Not fatal: it is counted as malformed and reading goes on.
 */
export class ChatLogEntryError extends PulseError {
  readonly format: string;
  /** 1-based line or entry number. */
  readonly entry: number;
  constructor(format: string, entry: number, detail: string, cause?: unknown) {
    super(`${format} ${entryWord(format)} ${entry}: ${detail}`, { code: 'CHATLOG_ENTRY_MALFORMED', cause, context: { field: format } });
    this.format = format;
    this.entry = entry;
  }
}

/** What a chat-log format numbers: JSON formats their entries (comments, items), line formats their lines. */
export function entryWord(format: string): 'entry' | 'line' {
  return format.endsWith('-json') ? 'entry' : 'line';
}
