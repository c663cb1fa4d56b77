import type * as Minio from 'minio';
import { ArchiveRefusedError, UnavailableError, messageOf } from '../../core/errors.ts';
import type { Logger } from '../../core/log.ts';
import { retryWithBackoff } from '../../core/retry.ts';
import { parseArchiveObjectName, type ParsedArchiveObjectName } from './objectNaming.ts';

/** One object to put into the archive bucket. */
export interface ArchiveUpload {
  /** Key in the bucket, from {@link archiveObjectName}. */
  readonly name: string;
  readonly body: Uint8Array;
}

/** Settings of a {@link MinioArchiveSink}. */
export interface ArchiveSinkOptions {
  readonly log: Logger;
  /** First and longest wait between attempts while MinIO does not answer, ms. */
  readonly initialBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /** A request that has not answered after this long counts as failed (and is retried), ms. */
  readonly requestTimeoutMs?: number;
}

/** Called before each wait between retries; throwing abandons the call (see {@link retryWithBackoff}). */
export type BeforeWait = () => Promise<void>;

// S3 error codes that no amount of waiting fixes: fail at once instead of retrying forever.
const REFUSED = new Set(['AccessDenied', 'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'NoSuchBucket', 'InvalidBucketName']);

/**
 * The archive's sink: Parquet objects into one MinIO (S3) bucket.
 *
 * `write` resolves only when MinIO has confirmed every object of the batch (the caller commits
 * Kafka offsets after that, never before). While MinIO does not answer, every call retries with
 * exponential backoff, logging the outage once and the recovery once; wrong credentials or a
 * missing bucket fail at once with {@link ArchiveRefusedError}.
 *
 * @example
 * const sink = new MinioArchiveSink(createMinio(endpoints.minio), endpoints.minio.bucket, { log });
 * await sink.connect();
 * await sink.write([{ name, body }]);
 */
export class MinioArchiveSink {
  private readonly requestTimeoutMs: number;

  constructor(
    private readonly client: Minio.Client,
    readonly bucket: string,
    private readonly options: ArchiveSinkOptions,
  ) {
    this.requestTimeoutMs = options.requestTimeoutMs ?? 120_000;
  }

  /** Creates the bucket when it is missing; waits for MinIO while it does not answer. */
  async connect(beforeWait?: BeforeWait): Promise<void> {
    await this.retry('create the archive bucket', beforeWait, async () => {
      if (!(await this.client.bucketExists(this.bucket))) await this.client.makeBucket(this.bucket).catch(ignoreIfExists);
    });
  }

  /** Puts every object of `batch`; resolves once MinIO confirmed each one. */
  async write(batch: readonly ArchiveUpload[], beforeWait?: BeforeWait): Promise<void> {
    for (const upload of batch) {
      const body = Buffer.from(upload.body.buffer, upload.body.byteOffset, upload.body.byteLength);
      await this.retry(`upload ${upload.name} to MinIO`, beforeWait, () =>
        this.client.putObject(this.bucket, upload.name, body, body.length, { 'Content-Type': 'application/vnd.apache.parquet' }));
    }
  }

  /**
   * The archive objects whose names start with `prefix` (files that are not archive objects are
   * left out), in listing order.
   */
  async list(prefix: string, beforeWait?: BeforeWait): Promise<ParsedArchiveObjectName[]> {
    return this.retry(`list ${prefix} in MinIO`, beforeWait, async () => {
      const out: ParsedArchiveObjectName[] = [];
      for await (const item of this.client.listObjectsV2(this.bucket, prefix, true)) {
        const name = (item as { name?: string }).name;
        if (!name?.endsWith('.parquet')) continue;
        try {
          out.push(parseArchiveObjectName(name));
        } catch {
          // Someone else's file next to ours: not part of the archive.
        }
      }
      return out;
    });
  }

  /** The bytes of one object. */
  async read(name: string, beforeWait?: BeforeWait): Promise<Buffer> {
    return this.retry(`read ${name} from MinIO`, beforeWait, async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of await this.client.getObject(this.bucket, name)) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    });
  }

  /** Nothing to release: the MinIO client keeps no connection open between requests. */
  async close(): Promise<void> {}

  private retry<T>(what: string, beforeWait: BeforeWait | undefined, step: () => Promise<T>): Promise<T> {
    return retryWithBackoff(() => this.attempt(step), {
      what,
      log: this.options.log,
      initialBackoffMs: this.options.initialBackoffMs ?? 250,
      maxBackoffMs: this.options.maxBackoffMs ?? 5_000,
      beforeWait,
    });
  }

  private async attempt<T>(step: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new UnavailableError('minio', `no answer in ${this.requestTimeoutMs} ms`)), this.requestTimeoutMs);
    });
    try {
      return await Promise.race([step(), timeout]);
    } catch (error) {
      if (error instanceof UnavailableError) throw error;
      const code = (error as { code?: unknown } | null)?.code;
      if (typeof code === 'string' && REFUSED.has(code)) throw new ArchiveRefusedError(`${code}: ${messageOf(error)}`, error);
      throw new UnavailableError('minio', messageOf(error), error);
    } finally {
      clearTimeout(timer);
    }
  }
}

function ignoreIfExists(error: unknown): void {
  const code = (error as { code?: unknown } | null)?.code;
  // Another archiver created it between our check and our request.
  if (code !== 'BucketAlreadyOwnedByYou' && code !== 'BucketAlreadyExists') throw error;
}
