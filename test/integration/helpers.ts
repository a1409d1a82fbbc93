import { expect } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.js';
import { freshANumber, validReferral, type ReferralOverrides } from '../fixtures/referral.js';
import { coordinatorEntry, doctorEntry, type RosterDocument } from '../fixtures/roster.js';
import { call, attorneyCall } from '../support/runtime.js';

/** Shared steps of the integration tests: every one goes through the local runtime over real HTTP. */

export interface SentSms {
  to: string;
  body: string;
  at: string;
}
export interface SentEmail {
  to: string[];
  subject: string;
  text: string;
  html: string;
  at: string;
}
export interface Outbox {
  sms: SentSms[];
  email: SentEmail[];
}

const HOUR = 3_600_000;

// ---- runtime hooks ------------------------------------------------------------------------------

/** The fixture attorney's domain (test/fixtures/referral.ts): trusted by `resetWith`, so its referrals page. */
export const FIXTURE_DOMAIN = 'example.org';

/**
 * Empties tables, outbox and schedules and resets the clock, then imports `roster` and puts the fixture
 * attorney's domain on the trusted list (as a coordinator would), unless `trusted` is false.
 */
export async function resetWith(rt: LocalRuntime, roster: RosterDocument, { trusted = true } = {}): Promise<void> {
  expect((await call(rt, 'POST', '/_local/reset')).status).toBe(200);
  await putRoster(rt, roster);
  if (trusted) await trust(rt, { domain: FIXTURE_DOMAIN });
}

/** Adds an address or a domain to the trusted list through the staff API. */
export async function trust(rt: LocalRuntime, entry: { email: string } | { domain: string }): Promise<void> {
  const response = await staffCall(rt, 'POST', '/api/staff/submitters', entry);
  expect(response.status, JSON.stringify(response.json)).toBe(200);
}

export async function putRoster(rt: LocalRuntime, roster: RosterDocument): Promise<void> {
  const response = await call(rt, 'PUT', '/_local/roster', roster);
  expect(response.status, JSON.stringify(response.json)).toBe(200);
}

/** The app's clock. */
export async function clockNow(rt: LocalRuntime): Promise<Date> {
  return new Date((await call(rt, 'GET', '/_local/clock')).json.now);
}

/** Moves the app's clock; returns the schedules that fired. */
export async function advance(rt: LocalRuntime, minutes: number): Promise<{ now: string; fired: { name: string; at: string }[] }> {
  const response = await call(rt, 'POST', '/_local/clock/advance', { minutes });
  expect(response.status).toBe(200);
  return response.json;
}

/** Moves the app's clock forward to `at`. */
export async function advanceTo(rt: LocalRuntime, at: Date) {
  const minutes = (at.getTime() - (await clockNow(rt)).getTime()) / 60_000;
  return advance(rt, Math.max(0, minutes));
}

export async function settle(rt: LocalRuntime): Promise<void> {
  expect((await call(rt, 'POST', '/_local/settle')).status).toBe(200);
}

export async function outbox(rt: LocalRuntime): Promise<Outbox> {
  return (await call(rt, 'GET', '/_local/outbox')).json;
}

/** What was sent after `before` was read (the outbox is append-only, oldest first). */
export async function sentSince(rt: LocalRuntime, before: Outbox): Promise<Outbox> {
  const now = await outbox(rt);
  return { sms: now.sms.slice(before.sms.length), email: now.email.slice(before.email.length) };
}

/** Names of the pending schedules. */
export async function schedules(rt: LocalRuntime): Promise<string[]> {
  return (await call(rt, 'GET', '/_local/schedules')).json.items.map((i: { name: string }) => i.name);
}

export async function staffToken(rt: LocalRuntime, group = 'coordinators'): Promise<string> {
  return (await call(rt, 'GET', `/_local/token?group=${encodeURIComponent(group)}`)).json.token;
}

export async function staffCall(rt: LocalRuntime, method: string, path: string, body?: unknown) {
  return call(rt, method, path, body, { authorization: `Bearer ${await staffToken(rt)}` });
}

/** An inbound SMS; returns the replies. */
export async function textIn(rt: LocalRuntime, from: string, body: string): Promise<{ to: string; body: string }[]> {
  const response = await call(rt, 'POST', '/_local/sms/inbound', { from, body });
  expect(response.status).toBe(200);
  return response.json.replies;
}

/** An SNS delivery event (SES bounce/complaint or an SMS event). */
export async function deliveryEvent(rt: LocalRuntime, message: unknown): Promise<void> {
  expect((await call(rt, 'POST', '/_local/delivery-events', message)).status).toBe(200);
}

export const sesBounce = (email: string) => ({
  eventType: 'Bounce',
  bounce: {
    bounceType: 'Permanent',
    bounceSubType: 'General',
    bouncedRecipients: [{ emailAddress: email, action: 'failed', status: '5.1.1' }],
  },
  mail: { messageId: 'local-message', destination: [email] },
});

export const smsFailure = (phone: string, eventType = 'TEXT_CARRIER_UNREACHABLE', messageStatus = 'CARRIER_UNREACHABLE') => ({
  eventType,
  messageStatus,
  destinationPhoneNumber: phone,
  isFinal: true,
  messageId: 'local-sms',
});

// ---- referrals ----------------------------------------------------------------------------------

/**
 * Submits a referral and waits until the dispatcher has handled it; returns its id. Each referral is about
 * another person (a fresh A-number) unless `overrides` names one.
 */
export async function submit(rt: LocalRuntime, overrides: ReferralOverrides = {}): Promise<string> {
  const response = await attorneyCall(
    rt,
    'POST',
    '/api/referrals',
    validReferral({ ...overrides, client: { aNumber: freshANumber(), ...overrides.client } }),
  );
  expect(response.status, JSON.stringify(response.json)).toBe(201);
  await settle(rt);
  return response.json.referralId;
}

/** An urgent referral (the attorney marked it urgent), dispatched. */
export async function submitUrgent(rt: LocalRuntime, overrides: ReferralOverrides = {}): Promise<string> {
  return submit(rt, { ...overrides, medical: { attorneyUrgency: 'urgent', ...overrides.medical } });
}

/** A routine referral, dispatched, and the token of its receipt's outcome link. */
export async function referralWithLink(rt: LocalRuntime): Promise<{ id: string; token: string }> {
  const id = await submit(rt);
  const receipt = emailTo(await outbox(rt), validReferral().attorney.email).filter((m) => m.text.includes(`/outcome/${id}#token=`));
  expect(receipt).toHaveLength(1);
  return { id, token: outcomeTokenFor(receipt[0].text, id) };
}

/** A release body (staff endpoint or outcome link): to Austin, a Spanish speaker who agreed to SMS reminders. */
export function releaseBody(releasedOn: string, overrides: Record<string, unknown> = {}) {
  return { releasedOn, state: 'TX', city: 'Austin', patientPhone: '(512) 555-0150', patientLanguage: 'es', smsConsent: true, ...overrides };
}

export async function caseOf(rt: LocalRuntime, referralId: string) {
  return rt.deps.store.getCase(referralId);
}

// ---- reading messages ---------------------------------------------------------------------------

/** The reply code in an offer SMS (`YES 4821`). */
export function codeFor(body: string): string {
  const code = /\bYES (\d{4})\b/.exec(body)?.[1];
  expect(code, `no YES code in: ${body}`).toBeDefined();
  return code!;
}

/** The offer link in a message: `<url>/offers/<offerId>#token=<token>`. */
export function linkFor(text: string): { url: string; offerId: string; token: string } {
  const match = /(https?:\/\/[^\s"<]+)\/offers\/([A-Za-z0-9_-]+)#token=([A-Za-z0-9_-]+)/.exec(text);
  expect(match, `no offer link in: ${text}`).not.toBeNull();
  return { url: match![1], offerId: match![2], token: match![3] };
}

/** The attorney's outcome link token in a receipt email. */
export function outcomeTokenFor(text: string, referralId: string): string {
  const token = new RegExp(`/outcome/${referralId}#token=([A-Za-z0-9_-]+)`).exec(text)?.[1];
  expect(token, `no outcome link for ${referralId} in: ${text}`).toBeDefined();
  return token!;
}

export const smsTo = (box: Outbox, phone: string) => box.sms.filter((m) => m.to === phone);
export const emailTo = (box: Outbox, email: string) => box.email.filter((m) => m.to.includes(email));

/** The offer SMS a doctor got for a case. */
export function offerSms(box: Outbox, phone: string, referralId: string): SentSms {
  const found = smsTo(box, phone).filter((m) => m.body.includes(referralId) && /\bYES \d{4}\b/.test(m.body));
  expect(found, `offer SMS to ${phone} for ${referralId}`).toHaveLength(1);
  return found[0];
}

/** The offer email a doctor got for a case. */
export function offerEmail(box: Outbox, email: string, referralId: string): SentEmail {
  const found = emailTo(box, email).filter((m) => m.text.includes(referralId) && m.text.includes('/offers/'));
  expect(found, `offer email to ${email} for ${referralId}`).toHaveLength(1);
  return found[0];
}

/** Phones that got an offer SMS for the case. */
export const pagedBySms = (box: Outbox, referralId: string) =>
  box.sms
    .filter((m) => m.body.includes(referralId) && /\bYES \d{4}\b/.test(m.body))
    .map((m) => m.to)
    .sort();
/** Addresses that got an offer email for the case. */
export const pagedByEmail = (box: Outbox, referralId: string) =>
  box.email
    .filter((m) => m.text.includes(referralId) && m.text.includes('/offers/'))
    .flatMap((m) => m.to)
    .sort();

// ---- roster builders ----------------------------------------------------------------------------

/** A shift of `role` for `doctorId` that covers `now` (from an hour before to a day after). */
export function shiftAround(now: Date, doctorId: string, role: 'primary' | 'backup' = 'primary') {
  return { doctorId, role, start: new Date(now.getTime() - HOUR).toISOString(), end: new Date(now.getTime() + 24 * HOUR).toISOString() };
}

/** A shift that ended before `now`. */
export function pastShift(now: Date, doctorId: string, role: 'primary' | 'backup' = 'primary') {
  return {
    doctorId,
    role,
    start: new Date(now.getTime() - 30 * HOUR).toISOString(),
    end: new Date(now.getTime() - 6 * HOUR).toISOString(),
  };
}

/** Wall-clock `HH:MM` of an instant in a time zone. */
const hhmm = (at: Date, timeZone: string) =>
  new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at);

/** Quiet hours, in the doctor's own time zone, that cover `now`. */
export function quietHoursCovering(now: Date, timeZone = 'UTC') {
  return {
    timeZone,
    quietHours: { start: hhmm(new Date(now.getTime() - HOUR), timeZone), end: hhmm(new Date(now.getTime() + 2 * HOUR), timeZone) },
  };
}

/** Quiet hours, in the doctor's own time zone, well away from `now`. */
export function quietHoursAwayFrom(now: Date, timeZone = 'UTC') {
  return {
    timeZone,
    quietHours: { start: hhmm(new Date(now.getTime() + 6 * HOUR), timeZone), end: hhmm(new Date(now.getTime() + 9 * HOUR), timeZone) },
  };
}

/** A doctor with an id, name, email and phone derived from `n` (phone +1 512 555 02nn). */
export function numberedDoctor(n: number, overrides: Parameters<typeof doctorEntry>[0] = {}) {
  const nn = String(n).padStart(2, '0');
  return doctorEntry({ id: `d-${nn}`, name: `Dr. Number ${nn}`, email: `doc${nn}@example.org`, phone: `+151255502${nn}`, ...overrides });
}

export const ANA = doctorEntry({ id: 'd-ana', name: 'Dr. Ana Ruiz', email: 'ana@example.org', phone: '+15125550101' });
export const BEN = doctorEntry({ id: 'd-ben', name: 'Dr. Ben Okafor', email: 'ben@example.org', phone: '+15125550102' });
export const CARO = doctorEntry({ id: 'd-caro', name: 'Dr. Carolina Vega', email: 'caro@example.org', phone: '+15125550103' });
export const DAN = doctorEntry({ id: 'd-dan', name: 'Dr. Dan Wu', email: 'dan@example.org', phone: '+15125550104' });
export const EVE = doctorEntry({ id: 'd-eve', name: 'Dr. Eve Stone', email: 'eve@example.org', phone: '+15125550105' });

export const COORDINATORS = [
  coordinatorEntry(),
  coordinatorEntry({ id: 'c-max', name: 'Max Rowe', email: 'max@example.org', phone: '+15125550198' }),
];

/** `T09:00` in America/Chicago on `date`, worked out without the app's code. */
export function nineAmChicago(date: string): string {
  for (const hour of [14, 15]) {
    const candidate = new Date(`${date}T${hour}:00:00Z`);
    const local = new Intl.DateTimeFormat('en-US', { timeZone: 'America/Chicago', hour: '2-digit', hourCycle: 'h23' }).format(candidate);
    if (local === '09') return candidate.toISOString();
  }
  throw new Error(`no 09:00 in Chicago on ${date}`);
}

/** The calendar date in America/Chicago of an instant. */
export function chicagoDate(at: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Chicago', year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

/** A calendar date `days` after `date`. */
export function plusDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
