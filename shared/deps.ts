import { config, type Config } from './config.js';
import {
  systemClock,
  type Clock,
  type DocumentStoragePort,
  type EmailPort,
  type IdempotencyPort,
  type KeyedHashPort,
  type SchedulerPort,
  type SmsPort,
} from './ports.js';
import type { StorePort } from './store/port.js';

/**
 * Ports by name. A function declares the ones it uses in `functions/<name>/ports.ts`; from that one
 * declaration its handler is handed exactly those adapters (so its bundle carries only their SDK
 * clients) and CDK grants exactly their permissions (`infra/function.ts`, `usePorts`).
 */
export interface PortTypes {
  store: StorePort;
  idempotency: IdempotencyPort;
  email: EmailPort;
  sms: SmsPort;
  scheduler: SchedulerPort;
  keyedHash: KeyedHashPort;
  documents: DocumentStoragePort;
}
export type PortName = keyof PortTypes;

/**
 * What a function does to the table, each granting its DynamoDB actions:
 * `create` PutItem only (the public intake); `read` GetItem and Query (table and gsi1); `write` read plus
 * PutItem, UpdateItem and ConditionCheckItem (conditional writes and transactions); `delete` DeleteItem;
 * `batch-write` BatchWriteItem; `cases-index` Query on the index of every case (the unfiltered staff list, metrics, CSV) and on
 * `urgent_open` (urgent cases that still need a doctor);
 * `due-index` Query on the sweeper's index of cases due for a look.
 * No function may Scan.
 */
export type TableAccess = 'create' | 'read' | 'write' | 'delete' | 'batch-write' | 'cases-index' | 'due-index';

export interface PortsDeclaration {
  store?: readonly TableAccess[];
  /** Powertools idempotency records in their own table. */
  idempotency?: true;
  /** Email through SES (never to an address marked unusable: needs the store). */
  email?: true;
  /** SMS through End User Messaging (never to a number that replied STOP: needs the store). */
  sms?: true;
  /** One-time EventBridge schedules (waves, reminders). */
  scheduler?: true;
  /** HMAC of A-numbers with the KMS key (the duplicate index). */
  keyedHash?: true;
  /** Case documents in S3 (DocumentStoragePort): what the function does to the bucket. */
  documents?: readonly DocumentAccess[];
}

/**
 * What a function does to the documents bucket: `upload` signs presigned POSTs (s3:PutObject), `download`
 * signs presigned GETs and reads first bytes (s3:GetObject, which the bucket policy still denies for
 * anything not scanned clean), `delete` s3:DeleteObject, `tag` lists a prefix and tags its objects.
 */
export type DocumentAccess = 'upload' | 'download' | 'delete' | 'tag';

type Declared<D extends PortsDeclaration> = Extract<keyof D, PortName>;

/** What a handler gets: config and clock always, plus exactly its declared ports. */
export type DepsOf<D extends PortsDeclaration> = { config: Config; clock: Clock } & Pick<PortTypes, Declared<D>>;
/** Every port (what the local runtime and tests hand in). */
export type Deps = { config: Config; clock: Clock } & PortTypes;
/** What use cases take (each picks the ones it needs): every port but the idempotency store, the keyed hash and the documents' bucket (asked for by name). */
export type Ports = Omit<Deps, 'idempotency' | 'keyedHash' | 'documents'>;

/** Builds one port's adapter from the config; email and SMS get the store, to guard their sends. */
export type Adapter<N extends PortName> = (cfg: Config, built: { store?: StorePort }) => PortTypes[N];
/** One adapter for each declared port, and no other. */
export type AdaptersFor<D extends PortsDeclaration> = { [N in Declared<D>]: Adapter<N> };

let override: Deps | undefined;

/** Replaces every function's adapters (the local runtime, tests); set before a handler is imported. */
export function useDeps(next: Deps): void {
  override = next;
}

/**
 * A handler's dependencies: its declared ports, built from the adapters it passes. In Lambda they are
 * built at import (cold start), so a missing variable fails the init with its name; where `useDeps`
 * handed in replacements (local runtime, tests), those are used instead.
 */
export function wire<D extends PortsDeclaration>(declaration: D, adapters: AdaptersFor<D>): () => DepsOf<D> {
  for (const name of Object.keys(declaration)) {
    if (!(name in adapters)) throw new Error(`port ${name} is declared but has no adapter`);
  }
  const build = (): DepsOf<D> => {
    const cfg = config();
    const byName = adapters as Partial<{ [N in PortName]: Adapter<N> }>;
    const store = byName.store?.(cfg, {});
    const built: Record<string, unknown> = { config: cfg, clock: systemClock, store };
    for (const [name, adapter] of Object.entries(byName)) {
      if (name !== 'store') built[name] = (adapter as Adapter<PortName>)(cfg, { store });
    }
    return built as DepsOf<D>;
  };
  let built = override ? undefined : build();
  return () => (override as DepsOf<D> | undefined) ?? (built ??= build());
}

/** A guarded port (email, SMS) needs the store to look up unusable addresses. */
export function requireStore(built: { store?: StorePort }, port: string): StorePort {
  if (!built.store) throw new Error(`the ${port} port needs the store port as well`);
  return built.store;
}
