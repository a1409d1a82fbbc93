import type { Config } from '../../shared/config.js';
import type { Ports } from '../../shared/deps.js';
import type { Roster } from '../../shared/domain/roster.js';
import { guardEmail, guardSms } from '../../shared/messaging.js';
import type {
  Clock,
  DocumentStoragePort,
  Email,
  EmailPort,
  KeyedHashPort,
  SchedulerPort,
  SmsPort,
  TimerEvent,
} from '../../shared/ports.js';
import { memoryStore } from '../../shared/store/memory.js';
import type { StorePort } from '../../shared/store/port.js';
import { NOON_CHICAGO } from '../fixtures/roster.js';

/** A clock the test moves by hand. */
export class FakeClock implements Clock {
  constructor(private at: Date) {}
  now(): Date {
    return new Date(this.at);
  }
  advance(minutes: number): void {
    this.at = new Date(this.at.getTime() + minutes * 60_000);
  }
}

/** Records what it sends; `failing` makes every send throw (an outage). */
export class FakeEmail implements EmailPort {
  readonly sent: Email[] = [];
  failing = false;
  async send(email: Email): Promise<void> {
    if (this.failing) throw new Error('email service down');
    this.sent.push(email);
  }
  /** The emails that went to an address. */
  to(address: string): Email[] {
    return this.sent.filter((e) => e.to.includes(address));
  }
  subjects(address: string): string[] {
    return this.to(address).map((e) => e.subject);
  }
}

export class FakeSms implements SmsPort {
  readonly sent: { to: string; body: string }[] = [];
  failing = false;
  async send(to: string, body: string): Promise<void> {
    if (this.failing) throw new Error('sms service down');
    this.sent.push({ to, body });
  }
  to(phone: string): string[] {
    return this.sent.filter((m) => m.to === phone).map((m) => m.body);
  }
}

/** One-time schedules by name; firing them is the test's job. */
export class FakeScheduler implements SchedulerPort {
  readonly schedules = new Map<string, { at: Date; event: TimerEvent }>();
  async create(name: string, at: Date, event: TimerEvent): Promise<void> {
    if (!this.schedules.has(name)) this.schedules.set(name, { at, event });
  }
  async delete(name: string): Promise<void> {
    this.schedules.delete(name);
  }
  names(): string[] {
    return [...this.schedules.keys()].sort();
  }
}

/** Objects by key with their tags; uploads are the test's (`put`), presigned URLs name the key. */
export class FakeDocuments implements DocumentStoragePort {
  readonly objects = new Map<string, { bytes: Uint8Array; tags: Record<string, string> }>();
  put(key: string, bytes: Uint8Array | string): void {
    this.objects.set(key, { bytes: typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes, tags: {} });
  }
  async presignUpload(key: string, o: { contentType: string; maxBytes: number; expiresSeconds: number }) {
    return { url: 'https://documents.test/bucket', fields: { key, 'Content-Type': o.contentType, Policy: `max=${o.maxBytes}` } };
  }
  async presignDownload(key: string, o: { downloadName: string; expiresSeconds: number }) {
    return `https://documents.test/bucket/${key}?response-content-disposition=${encodeURIComponent(`attachment; filename="${o.downloadName}"`)}&X-Amz-Expires=${o.expiresSeconds}`;
  }
  async firstBytes(key: string, bytes: number) {
    return this.objects.get(key)?.bytes.slice(0, bytes);
  }
  async delete(key: string) {
    this.objects.delete(key);
  }
  async tagPrefix(prefix: string, tags: Record<string, string>) {
    for (const [key, o] of this.objects) if (key.startsWith(prefix)) Object.assign(o.tags, tags);
  }
}

/** A keyed hash that is plainly not the value (tests only). */
export const fakeKeyedHash: KeyedHashPort = { hash: async (value) => `hash:${value}` };

export const TEST_CONFIG: Config = {
  TABLE_NAME: 'medreview',
  IDEMPOTENCY_TABLE_NAME: 'medreview-idempotency',
  BASE_URL: 'https://medreview.test',
  MAIL_FROM: 'cases@medreview.test',
  PROGRAM_TIME_ZONE: 'America/Chicago',
  SCHEDULE_GROUP: 'default',
  SCHEDULE_TARGET_ARN: '',
  SCHEDULER_ROLE_ARN: '',
  WAVE_MINUTES: 15,
  OFFER_TOKEN_DAYS: 3,
  URGENT_PER_SUBMITTER_PER_DAY: 3,
  URGENT_PER_DOMAIN_PER_DAY: 10,
  ROUTINE_PER_SUBMITTER_PER_DAY: 20,
  PAGE_BUDGET_PER_HOUR: 40,
  DOCUMENT_RETENTION_DAYS: 30,
};

export interface TestPorts extends Ports {
  store: StorePort;
  clock: FakeClock;
  /** What was sent (the use cases get the guarded ports, as in production). */
  outbox: { email: FakeEmail; sms: FakeSms };
  scheduler: FakeScheduler;
  documents: FakeDocuments;
}

/**
 * The ports a use case runs on in these tests: the in-memory store unless another is given (with `roster` imported), fake email,
 * SMS and scheduler, a clock at noon in Chicago on the fixtures' day. Email and SMS are guarded by the
 * store's unusable addresses, as wired in production.
 */
export async function testPorts(options: { roster?: Roster; config?: Partial<Config>; store?: StorePort } = {}): Promise<TestPorts> {
  const store = options.store ?? memoryStore();
  if (options.roster) await store.replaceRoster(options.roster);
  const outbox = { email: new FakeEmail(), sms: new FakeSms() };
  return {
    config: { ...TEST_CONFIG, ...options.config },
    clock: new FakeClock(NOON_CHICAGO),
    store,
    email: guardEmail(outbox.email, store),
    sms: guardSms(outbox.sms, store),
    scheduler: new FakeScheduler(),
    documents: new FakeDocuments(),
    outbox,
  };
}
