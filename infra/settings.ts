import type { Node } from 'constructs';
import { EMAIL_ADDRESS } from '../shared/config.js';

/** Admin settings, read from CDK context (cdk.json or `cdk deploy -c key=value`). */
export interface Settings {
  /** SES-verified sender (address or its domain must be a verified identity). */
  readonly mailFrom: string;
  readonly programTimeZone: string;
  /** Phone number or pool ARN (or id) used to send SMS; unset = let End User Messaging pick. */
  readonly smsOriginationIdentity?: string;
  readonly alarmEmail?: string;
  readonly waveMinutes: number;
  readonly offerTokenDays: number;
  /** Urgent referrals per approved attorney per 24 h that page by themselves. */
  readonly urgentPerSubmitterPerDay: number;
  /** Urgent referrals per email domain per 24 h that page by themselves. */
  readonly urgentPerDomainPerDay: number;
  /** Routine referrals per approved attorney per 24 h that send doctors offers. */
  readonly routinePerSubmitterPerDay: number;
  /** Doctor SMS pages in any rolling hour, system-wide. */
  readonly pageBudgetPerHour: number;
  /** Requests per viewer IP per 5 minutes before the edge WAF blocks. */
  readonly wafRateLimit: number;
  /** `POST /api/referrals` per viewer IP per 5 minutes before the edge WAF blocks (WAF's minimum is 10). */
  readonly wafReferralRateLimit: number;
  /** Bump to rotate the origin-verify secret; the previous value stays accepted until the next bump. */
  readonly originVerifyVersion: number;
  /** Each API method's own throttle (requests per second, burst): a flood of one route never spends another's. */
  readonly apiRateLimit: number;
  readonly apiBurstLimit: number;
  /** The public intake's (`POST /api/referrals`) own, lower throttle. */
  readonly intakeRateLimit: number;
  readonly intakeBurstLimit: number;
  /** Prefix of the staff sign-in domain (`<prefix>.auth.<region>.amazoncognito.com`); default medreview-staff-<account>. */
  readonly staffDomainPrefix?: string;
  /** Prefix of the attorneys' and doctors' sign-in domain; default medreview-<account>. */
  readonly externalDomainPrefix?: string;
  /** Days a closed case's documents are kept: the documents bucket's lifecycle rule and the functions read it. */
  readonly documentRetentionDays: number;
  /** Built web folder; deployed to the site bucket only when it exists at synth time. */
  readonly webDist?: string;
}

export function settingsFromContext(node: Node, webDist?: string): Settings {
  const str = (key: string): string | undefined => {
    const v: unknown = node.tryGetContext(key);
    return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
  };
  const num = (key: string, fallback: number): number => {
    const v = Number(node.tryGetContext(key) ?? fallback);
    if (!Number.isInteger(v) || v <= 0) throw new Error(`context ${key} must be a positive integer`);
    return v;
  };
  const mailFrom = str('mailFrom');
  if (!mailFrom || !EMAIL_ADDRESS.test(mailFrom)) {
    throw new Error('context mailFrom must be the SES-verified sender address, e.g. -c mailFrom=cases@example.org');
  }
  return {
    mailFrom,
    programTimeZone: str('programTimeZone') ?? 'America/Chicago',
    smsOriginationIdentity: str('smsOriginationIdentity'),
    alarmEmail: str('alarmEmail'),
    waveMinutes: num('waveMinutes', 15),
    offerTokenDays: num('offerTokenDays', 3),
    urgentPerSubmitterPerDay: num('urgentPerSubmitterPerDay', 3),
    urgentPerDomainPerDay: num('urgentPerDomainPerDay', 10),
    routinePerSubmitterPerDay: num('routinePerSubmitterPerDay', 20),
    pageBudgetPerHour: num('pageBudgetPerHour', 40),
    wafRateLimit: num('wafRateLimit', 300),
    wafReferralRateLimit: num('wafReferralRateLimit', 10),
    originVerifyVersion: num('originVerifyVersion', 1),
    apiRateLimit: num('apiRateLimit', 20),
    apiBurstLimit: num('apiBurstLimit', 40),
    intakeRateLimit: num('intakeRateLimit', 5),
    intakeBurstLimit: num('intakeBurstLimit', 10),
    staffDomainPrefix: str('staffDomainPrefix'),
    externalDomainPrefix: str('externalDomainPrefix'),
    documentRetentionDays: num('documentRetentionDays', 30),
    webDist,
  };
}
