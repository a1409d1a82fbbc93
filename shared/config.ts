import * as z from 'zod';

// Zod's JIT writes and compiles (new Function) a parser per object schema at its first parse; here most schemas
// are parsed once (this config) or built for one request (the referral schema follows the program's date), so
// that costs more than it saves: at cold start and on every intake.
z.config({ jitless: true });

/** Every environment variable the functions read. CDK (infra/) is the only other place that names them. */
const ConfigSchema = z.object({
  TABLE_NAME: z.string().min(1),
  IDEMPOTENCY_TABLE_NAME: z.string().min(1),
  BASE_URL: z.url(),
  MAIL_FROM: z.email(),
  PROGRAM_TIME_ZONE: z.string().default('America/Chicago'),
  SES_CONFIGURATION_SET: z.string().optional(),
  SMS_ORIGINATION_IDENTITY: z.string().optional(),
  SMS_CONFIGURATION_SET: z.string().optional(),
  SCHEDULE_GROUP: z.string().default('default'),
  SCHEDULE_TARGET_ARN: z.string().default(''),
  SCHEDULER_ROLE_ARN: z.string().default(''),
  SCHEDULE_DLQ_ARN: z.string().optional(),
  WAVE_MINUTES: z.coerce.number().int().positive().default(15),
  OFFER_TOKEN_DAYS: z.coerce.number().int().positive().default(3),
  /** Urgent referrals per attorney email per 24 h that page by themselves; more are held. */
  URGENT_PER_SUBMITTER_PER_DAY: z.coerce.number().int().positive().default(3),
  /** Doctor SMS pages in any rolling hour, system-wide; a wave that would exceed it is held. */
  PAGE_BUDGET_PER_HOUR: z.coerce.number().int().positive().default(40),
  /** The KMS HMAC key that hashes A-numbers for the duplicate index (AWS). */
  A_NUMBER_KEY_ID: z.string().optional(),
  AWS_ENDPOINT_URL_DYNAMODB: z.string().optional(),
});

export type Config = z.infer<typeof ConfigSchema>;

let cached: Config | undefined;

/** Parses the environment once; a missing variable fails the cold start with the variable's name. */
export function config(env: NodeJS.ProcessEnv = process.env): Config {
  if (cached) return cached;
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const names = parsed.error.issues.map((i) => i.path.join('.')).join(', ');
    throw new Error(`invalid configuration: ${names}`);
  }
  cached = parsed.data;
  return cached;
}

export function resetConfig(): void {
  cached = undefined;
}
