/**
 * How one environment variable is read: its value, or `undefined` when it is invalid; `required` when a
 * deploy must set it (nothing to fall back on).
 */
interface Variable<T> {
  required: boolean;
  read: (raw: string | undefined) => T | undefined;
}

/** An address as a deploy may give it (the same rule checks CDK's `mailFrom` context). */
export const EMAIL_ADDRESS = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const text = (fallback: string): Variable<string> => ({ required: false, read: (raw) => raw ?? fallback });
const optional: Variable<string | undefined> = { required: false, read: (raw) => raw };
const nonEmpty: Variable<string> = { required: true, read: (raw) => raw || undefined };
const url: Variable<string> = { required: true, read: (raw) => (raw && URL.canParse(raw.trim()) ? raw.trim() : undefined) };
const email: Variable<string> = { required: true, read: (raw) => (raw && EMAIL_ADDRESS.test(raw.trim()) ? raw.trim() : undefined) };
/** A whole number above zero, written as `Number` reads it (`15`, ` 15`, `15.0`). */
const count = (fallback: number): Variable<number> => ({
  required: false,
  read: (raw) => {
    if (raw === undefined) return fallback;
    const n = Number(raw);
    return raw.trim() !== '' && Number.isSafeInteger(n) && n > 0 ? n : undefined;
  },
});

/**
 * Every environment variable the functions read. CDK (infra/) is the only other place that names them.
 * Read by hand rather than with a schema: these are a dozen strings and numbers a deploy writes, read at
 * every cold start of every function, and a zod parse there cost more than the rest of the config (and
 * brought zod into functions that validate nothing else).
 */
export const VARIABLES = {
  TABLE_NAME: nonEmpty,
  IDEMPOTENCY_TABLE_NAME: nonEmpty,
  BASE_URL: url,
  MAIL_FROM: email,
  PROGRAM_TIME_ZONE: text('America/Chicago'),
  SES_CONFIGURATION_SET: optional,
  SMS_ORIGINATION_IDENTITY: optional,
  SMS_CONFIGURATION_SET: optional,
  SCHEDULE_GROUP: text('default'),
  SCHEDULE_TARGET_ARN: text(''),
  SCHEDULER_ROLE_ARN: text(''),
  SCHEDULE_DLQ_ARN: optional,
  WAVE_MINUTES: count(15),
  OFFER_TOKEN_DAYS: count(3),
  /** Urgent referrals per approved attorney per 24 h that page by themselves; more are held. */
  URGENT_PER_SUBMITTER_PER_DAY: count(3),
  /** Urgent referrals per email domain per 24 h (approved attorneys) that page by themselves; more are held. */
  URGENT_PER_DOMAIN_PER_DAY: count(10),
  /** Routine referrals per approved attorney per 24 h that send offers to doctors; more wait in review without offers. */
  ROUTINE_PER_SUBMITTER_PER_DAY: count(20),
  /** Doctor SMS pages in any rolling hour, system-wide; a wave that would exceed it is held. */
  PAGE_BUDGET_PER_HOUR: count(40),
  /** The case documents' bucket (the functions that declare the `documents` port: its adapter fails the cold start without it). */
  DOCUMENTS_BUCKET: optional,
  /** Days a closed case's documents are kept (the bucket's lifecycle rule and the items' TTL). */
  DOCUMENT_RETENTION_DAYS: count(30),
  /** The KMS HMAC key that hashes A-numbers for the duplicate index (AWS). */
  A_NUMBER_KEY_ID: optional,
  AWS_ENDPOINT_URL_DYNAMODB: optional,
} satisfies Record<string, Variable<unknown>>;

type Variables = typeof VARIABLES;
type Value<K extends keyof Variables> = Variables[K] extends Variable<infer T> ? T : never;
/** The values read: a variable that may be unset is an optional property. */
export type Config = { [K in keyof Variables as undefined extends Value<K> ? never : K]: Value<K> } & {
  [K in keyof Variables as undefined extends Value<K> ? K : never]?: Value<K>;
};

let cached: Config | undefined;

/** Reads the environment once; an invalid or missing variable fails the cold start with the variables' names. */
export function config(env: NodeJS.ProcessEnv = process.env): Config {
  if (cached) return cached;
  const read: Record<string, unknown> = {};
  const invalid: string[] = [];
  for (const [name, variable] of Object.entries(VARIABLES) as [string, Variable<unknown>][]) {
    const value = variable.read(env[name]);
    if (value === undefined && (variable.required || env[name] !== undefined)) invalid.push(name);
    read[name] = value;
  }
  if (invalid.length) throw new Error(`invalid configuration: ${invalid.join(', ')}`);
  cached = read as Config;
  return cached;
}

export function resetConfig(): void {
  cached = undefined;
}
