import type { Context } from 'aws-lambda';

/** The ports use cases take as arguments; adapters live beside this file, the local runtime has its own. */

export interface Clock {
  now(): Date;
}

export interface Email {
  to: string[];
  subject: string;
  text: string;
  html: string;
}

/**
 * What a send did: `unusable` when nothing went out because every address was marked unusable (bounced,
 * complained, opted out, failed for good; the guard in shared/messaging.ts decides), otherwise nothing.
 */
export type Sent = undefined | 'unusable';

export interface EmailPort {
  // biome-ignore lint/suspicious/noConfusingVoidType: the adapters answer nothing; only the guard answers `unusable`
  send(email: Email): Promise<Sent | void>;
}

export interface SmsPort {
  /** Sends one SMS to an E.164 number. */
  // biome-ignore lint/suspicious/noConfusingVoidType: as EmailPort's
  send(to: string, body: string): Promise<Sent | void>;
}

/** What a schedule fires: the same payload in EventBridge Scheduler and in the local emulator. */
export type TimerEvent =
  | { kind: 'wave'; referralId: string; wave: number }
  | { kind: 'reminder'; referralId: string; step: string }
  | { kind: 'digest' };

export interface SchedulerPort {
  /** Creates a one-time schedule; a schedule of that name that already exists is left as it is. */
  create(name: string, at: Date, event: TimerEvent): Promise<void>;
  /** Deletes a schedule; one that does not exist is fine. */
  delete(name: string): Promise<void>;
}

/** A keyed hash (HMAC-SHA-256 with the program's secret key), hex: what an index may hold instead of an identifier. */
export interface KeyedHashPort {
  hash(value: string): Promise<string>;
}

/**
 * The Idempotency-Key contract of a request: `run` once per key; the same key with the same body answers
 * the first result again, another body is refused (422), and a run still going with that key too (409).
 */
export interface IdempotencyPort {
  once<T>(key: string, body: unknown, run: () => Promise<T>, context?: Context): Promise<T>;
}

/**
 * Case documents' objects (S3 in AWS, an S3-compatible local server locally). Keys are opaque,
 * `cases/<referralId>/<documentId>`: never a file name, which would reach S3's access logs.
 */
export interface DocumentStoragePort {
  /** A presigned POST for one object whose policy fixes the key, the content type and a size range of 1 to `maxBytes`. */
  presignUpload(
    key: string,
    o: { contentType: string; maxBytes: number; expiresSeconds: number },
  ): Promise<{ url: string; fields: Record<string, string> }>;
  /** A presigned GET answered as an attachment (`Content-Disposition`) under `downloadName` (no file name of the user's). */
  presignDownload(key: string, o: { downloadName: string; expiresSeconds: number }): Promise<string>;
  /** The object's first bytes (the magic-byte check), or undefined when there is no such object. */
  firstBytes(key: string, bytes: number): Promise<Uint8Array | undefined>;
  /** Deletes an object; one that does not exist is fine. */
  delete(key: string): Promise<void>;
  /** Adds tags to every object under a prefix (retention: a lifecycle rule expires what closing a case tagged). */
  tagPrefix(prefix: string, tags: Record<string, string>): Promise<void>;
}

export const systemClock: Clock = { now: () => new Date() };
