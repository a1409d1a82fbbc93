/**
 * Black-box contract tests: every statement of docs/api.md that can be checked over HTTP.
 * Only the public API and the documented `/_local/*` hooks are used; nothing of the application is imported.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { attorneyCall, attorneyToken, call, startTestRuntime } from '../support/runtime.js';

type Runtime = Awaited<ReturnType<typeof startTestRuntime>>;
type Res = Awaited<ReturnType<typeof call>>;
type Json = Record<string, any>;

let rt!: Runtime;

beforeAll(async () => {
  rt = await startTestRuntime();
}, 120_000);

afterAll(async () => {
  await rt?.stop();
});

beforeEach(async () => {
  const r = await call(rt, 'POST', '/_local/reset');
  expect(r.status).toBeLessThan(300);
  await trustAttorneyDomain();
});

/** Referrals from the attorney's domain page at once: a coordinator put it on the trusted list. */
async function trustAttorneyDomain() {
  const token = (await call(rt, 'GET', '/_local/token?group=coordinators')).json.token;
  const r = await call(rt, 'POST', '/api/staff/submitters', { domain: ATTORNEY.email.split('@')[1] }, { authorization: `Bearer ${token}` });
  expect(r.status, r.text).toBe(200);
}

// ---- constants -----------------------------------------------------------------------------------

const TZ = 'America/Chicago';
const MIN = 60_000;
const ID_RE = /^MR-[0-9A-HJKMNP-TV-Z]{8}$/;
const PROBLEM = 'application/problem+json';

const ANA = doctor({ id: 'd-ana', name: 'Dr. Ana Ruiz', email: 'ana@example.org', phone: '+15125550101' });
const BOB = doctor({ id: 'd-bob', name: 'Dr. Bob Stone', email: 'bob@example.org', phone: '+15125550102' });
const CY = doctor({ id: 'd-cy', name: 'Dr. Cy Young', email: 'cy@example.org', phone: '+15125550103' });
const DEE = doctor({ id: 'd-dee', name: 'Dr. Dee Marsh', email: 'dee@example.org', phone: '+15125550104' });
const FAY = doctor({ id: 'd-fay', name: 'Dr. Fay Lund', email: 'fay@example.org', phone: '+15125550105' });
const GUS = doctor({ id: 'd-gus', name: 'Dr. Gus Hale', email: 'gus@example.org', phone: '+15125550106' });
const LEE = { id: 'c-lee', name: 'Lee Park', email: 'lee@example.org', phone: '+15125550199' };
const KIM = { id: 'c-kim', name: 'Kim Ode', email: 'kim@example.org', phone: '+15125550198' };

// Distinctive PHI values: none may show up in an error or a doctor message. Each referral is about
// another person (an A-number of its own, `A 201-555-9NN`, since the same A-number twice is a duplicate
// case), so the checks look for the family's common digits.
const PHI = {
  givenName: 'Xiomara',
  familyName: 'Quintanilla',
  aNumberDashed: '201-555-9',
  aNumberDigits: '2015559',
  dateOfBirth: '1984-03-17',
  facilityName: 'Otero Zeta Processing Center',
  concern: 'Persistent cough with blood since Tuesday, zebrafinch marker text.',
  medications: 'Isoniazid 300mg daily quokkamarker',
};

const ATTORNEY = { name: 'Ana Pérez', email: 'ana.perez@example.org', phoneDigits: '5125550100' };

// ---- small helpers -------------------------------------------------------------------------------

function doctor(over: Json = {}): Json {
  return {
    id: 'd-x',
    name: 'Dr. X',
    email: 'x@example.org',
    phone: '+15125550100',
    specialties: ['general'],
    languages: ['en', 'es'],
    timeZone: TZ,
    maxOpenCases: 3,
    active: true,
    ...over,
  };
}

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function deepMerge(base: any, over: any): any {
  if (!isObj(base) || !isObj(over)) return over === undefined ? base : over;
  const out: Json = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = deepMerge(out[k], v);
  return out;
}

function setPath(body: Json, path: string, value: unknown): Json {
  const copy = structuredClone(body);
  const keys = path.split('.');
  const last = keys.pop()!;
  let node = copy;
  for (const k of keys) node = node[k];
  if (value === undefined) delete node[last];
  else node[last] = value;
  return copy;
}

let aNumbers = 0;
const nextANumber = () => `A ${PHI.aNumberDashed}${String(aNumbers++ % 100).padStart(2, '0')}`;

function referral(over: Json = {}): Json {
  const base = {
    attorney: {
      name: ATTORNEY.name,
      organization: 'Texas Detention Defense',
      email: ATTORNEY.email,
      phone: '(512) 555-0100',
      barNumber: '24012345',
      barState: 'TX',
      g28Filed: true,
    },
    client: {
      givenName: PHI.givenName,
      familyName: PHI.familyName,
      aNumber: nextANumber(),
      dateOfBirth: PHI.dateOfBirth,
      countryOfBirth: 'HN',
      language: 'es',
      interpreterNeeded: true,
    },
    custody: { facilityName: PHI.facilityName, facilityState: 'TX', fieldOffice: 'San Antonio', detainedSince: '2026-03-01' },
    medical: { concern: PHI.concern, riskFactors: [], medications: PHI.medications, attorneyUrgency: 'routine' },
    request: { services: ['record_review'], specialty: 'general' },
    consent: { releaseOfInformation: true },
  };
  return deepMerge(base, over);
}

const urgent = (over: Json = {}) => referral(deepMerge({ medical: { attorneyUrgency: 'urgent' } }, over));

function ymdIn(d: Date, tz = TZ): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
}
function hmIn(d: Date, tz = TZ): string {
  const s = new Intl.DateTimeFormat('en-GB', { timeZone: tz, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(d);
  return s;
}
function addDays(ymd: string, n: number): string {
  const [y, m, d] = ymd.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}
function addYears(ymd: string, n: number): string {
  const [y, m, d] = ymd.split('-').map(Number);
  return `${String(y + n).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}
function dayDiff(a: string, b: string): number {
  return (Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000;
}

async function clockNow(): Promise<Date> {
  const r = await call(rt, 'GET', '/_local/clock');
  expect(r.status).toBe(200);
  return new Date(r.json.now);
}
async function today(): Promise<string> {
  return ymdIn(await clockNow());
}

function shift(now: Date, doctorId: string, role = 'primary'): Json {
  return {
    doctorId,
    role,
    start: new Date(now.getTime() - 60 * MIN).toISOString(),
    end: new Date(now.getTime() + 23 * 60 * MIN).toISOString(),
  };
}
function pastShift(now: Date, doctorId: string, role = 'primary'): Json {
  return {
    doctorId,
    role,
    start: new Date(now.getTime() - 30 * 60 * MIN).toISOString(),
    end: new Date(now.getTime() - 6 * 60 * MIN).toISOString(),
  };
}
/** Quiet hours (Chicago local time) from two hours before to two hours after `now`. */
function quietAround(now: Date, tz = TZ): Json {
  const [h, m] = hmIn(now, tz).split(':').map(Number);
  const fmt = (hh: number) => `${String((hh + 24) % 24).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
  return { quietHours: { start: fmt(h - 2), end: fmt(h + 2) } };
}

async function putRoster(doc: Json): Promise<Res> {
  return call(rt, 'PUT', '/_local/roster', doc);
}
async function roster(doc: Json) {
  const r = await putRoster(doc);
  expect(r.status, r.text).toBeGreaterThanOrEqual(200);
  expect(r.status, r.text).toBeLessThan(300);
}
async function settle() {
  const r = await call(rt, 'POST', '/_local/settle');
  expect(r.status).toBeLessThan(300);
}
async function advance(minutes: number): Promise<{ now: string; fired: { name: string; at: string }[] }> {
  const r = await call(rt, 'POST', '/_local/clock/advance', { minutes });
  expect(r.status, r.text).toBe(200);
  await settle();
  return r.json;
}
interface Sms {
  to: string;
  body: string;
  at: string;
}
interface Email {
  to: string[];
  subject: string;
  text: string;
  html: string;
  at: string;
}
async function outbox(): Promise<{ sms: Sms[]; email: Email[] }> {
  const r = await call(rt, 'GET', '/_local/outbox');
  expect(r.status).toBe(200);
  return r.json;
}
async function schedules(): Promise<{ name: string; at: string }[]> {
  const r = await call(rt, 'GET', '/_local/schedules');
  expect(r.status).toBe(200);
  return r.json.items;
}
async function inbound(from: string, body: string): Promise<Res> {
  const r = await call(rt, 'POST', '/_local/sms/inbound', { from, body });
  await settle();
  return r;
}

async function submit(body: unknown, headers: Record<string, string> = {}): Promise<Res> {
  const r = await attorneyCall(rt, 'POST', '/api/referrals', body, headers);
  await settle();
  return r;
}
async function create(body: Json = referral()): Promise<Json> {
  const r = await submit(body);
  expect(r.status, r.text).toBe(201);
  return r.json;
}

let cachedTokens: Record<string, string> = {};
beforeEach(() => {
  cachedTokens = {};
});
async function tokenFor(group: string): Promise<string> {
  if (cachedTokens[group]) return cachedTokens[group];
  const r = await call(rt, 'GET', `/_local/token?group=${encodeURIComponent(group)}`);
  expect(r.status).toBe(200);
  cachedTokens[group] = r.json.token;
  return r.json.token;
}
async function staff(method: string, path: string, body?: unknown, group = 'coordinators'): Promise<Res> {
  const token = await tokenFor(group);
  const r = await call(rt, method, path, body, { authorization: `Bearer ${token}` });
  await settle();
  return r;
}
async function detail(id: string): Promise<Json> {
  const r = await staff('GET', `/api/staff/referrals/${id}`);
  expect(r.status, r.text).toBe(200);
  return r.json;
}
async function list(query = ''): Promise<Json[]> {
  const r = await staff('GET', `/api/staff/referrals${query}`);
  expect(r.status, r.text).toBe(200);
  return r.json.items;
}
async function statusOf(id: string): Promise<string | undefined> {
  return (await list()).find((i) => i.referralId === id)?.status;
}

/** Every error: problem+json with type, title and the same status; and no submitted value echoed. */
function expectProblem(r: Res, status: number, secrets: string[] = []) {
  expect(r.status, r.text).toBe(status);
  expect(r.headers.get('content-type') ?? '').toContain(PROBLEM);
  expect(r.json, r.text).toBeTypeOf('object');
  expect(typeof r.json.type).toBe('string');
  expect(typeof r.json.title).toBe('string');
  expect(r.json.status).toBe(status);
  for (const s of secrets) expect(r.text, `error echoes "${s}"`).not.toContain(s);
}
function errorPaths(r: Res): string[] {
  expect(Array.isArray(r.json?.errors), r.text).toBe(true);
  for (const e of r.json.errors) {
    expect(typeof e.path).toBe('string');
    expect(typeof e.message).toBe('string');
  }
  return r.json.errors.map((e: Json) => e.path);
}

const LINK_RE = /(https?:\/\/[^\s"'<>]+?)\/offers\/([^\s#"'<>/]+)#token=([A-Za-z0-9_-]+)/;
interface Offer {
  base: string;
  offerId: string;
  token: string;
  code: string;
  sms: Sms;
}
function parseLink(text: string) {
  const m = LINK_RE.exec(text);
  if (!m) return undefined;
  return { base: m[1], offerId: m[2], token: m[3] };
}
/** The offers paged to `phone` by SMS (oldest first). */
function offersTo(box: { sms: Sms[] }, phone: string): Offer[] {
  return box.sms
    .filter((s) => s.to === phone && LINK_RE.test(s.body))
    .map((s) => {
      const link = parseLink(s.body)!;
      const code = /YES (\d{4})/.exec(s.body)?.[1] ?? '';
      return { ...link, code, sms: s };
    });
}
async function onlyOffer(phone: string): Promise<Offer> {
  const offers = offersTo(await outbox(), phone);
  expect(offers, `one offer SMS to ${phone}`).toHaveLength(1);
  return offers[0];
}
const smsTo = (box: { sms: Sms[] }, phone: string) => box.sms.filter((s) => s.to === phone);
const emailTo = (box: { email: Email[] }, addr: string) => box.email.filter((e) => e.to.includes(addr));
const pagedPhones = (box: { sms: Sms[] }) =>
  [...new Set(box.sms.filter((s) => LINK_RE.test(s.body) && s.body.includes('/offers/')).map((s) => s.to))].sort();

async function offerPost(offerId: string, action: '' | 'accept' | 'decline', body: Json): Promise<Res> {
  const r = await call(rt, 'POST', `/api/offers/${offerId}${action ? `/${action}` : ''}`, body);
  await settle();
  return r;
}

/** First value found under `key` anywhere in `obj` (depth first). */
function findKey(obj: unknown, key: string, within?: string): unknown {
  if (Array.isArray(obj)) {
    for (const v of obj) {
      const f = findKey(v, key, within);
      if (f !== undefined) return f;
    }
    return undefined;
  }
  if (!isObj(obj)) return undefined;
  if (within) {
    if (isObj(obj[within]) && key in obj[within]) return obj[within][key];
  } else if (key in obj) return obj[key];
  for (const v of Object.values(obj)) {
    const f = findKey(v, key, within);
    if (f !== undefined) return f;
  }
  return undefined;
}

function decodeJwtPayload(token: string): Json {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
}

// ==================================================================================================
// Health
// ==================================================================================================

describe('API errors in general', () => {
  it('an unknown API route or method answers a problem+json error, not text', async () => {
    for (const [method, path] of [
      ['GET', '/api/nope'],
      ['GET', '/api/referrals'],
      ['DELETE', '/api/health'],
    ]) {
      const r = await call(rt, method, path);
      expect(r.status, `${method} ${path}`).toBeGreaterThanOrEqual(400);
      expect(r.status).toBeLessThan(500);
      expect(r.headers.get('content-type') ?? '', `${method} ${path}: ${r.text}`).toContain(PROBLEM);
      expect(r.json?.status).toBe(r.status);
    }
  });
});

describe('GET /api/health', () => {
  it('answers 200 {status:"ok"} as JSON', async () => {
    const r = await call(rt, 'GET', '/api/health');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type') ?? '').toContain('application/json');
    expect(r.json).toEqual({ status: 'ok' });
  });
});

// ==================================================================================================
// Intake
// ==================================================================================================

describe('POST /api/referrals — success', () => {
  beforeEach(async () => {
    const now = await clockNow();
    await roster({ doctors: [ANA], coordinators: [LEE], shifts: [shift(now, 'd-ana')] });
  });

  it('201 with Location, exactly the documented keys, a Crockford referralId; routine → awaiting_review', async () => {
    const r = await submit(referral());
    expect(r.status, r.text).toBe(201);
    expect(r.headers.get('content-type') ?? '').toContain('application/json');
    expect(Object.keys(r.json).sort()).toEqual(['reasons', 'referralId', 'status', 'urgency']);
    expect(r.json.referralId).toMatch(ID_RE);
    expect(r.json).toMatchObject({ status: 'awaiting_review', urgency: 'routine', reasons: [] });
    expect(r.headers.get('location')).toBe(`/api/staff/referrals/${r.json.referralId}`);
    expect(await statusOf(r.json.referralId)).toBe('awaiting_review');
  });

  it('urgent → status paging, in the staff list too', async () => {
    const body = await create(urgent());
    expect(body).toMatchObject({ status: 'paging', urgency: 'urgent', reasons: ['attorney_marked_urgent'] });
    expect(await statusOf(body.referralId)).toBe('paging');
  });

  it('referral ids are distinct', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 5; i++) ids.add((await create()).referralId);
    expect(ids.size).toBe(5);
    for (const id of ids) expect(id).toMatch(ID_RE);
  });

  it('accepts content-type application/json with a charset parameter', async () => {
    const r = await submit(JSON.stringify(referral()), { 'content-type': 'application/json; charset=utf-8' });
    expect(r.status, r.text).toBe(201);
  });

  it('media types are case-insensitive: Application/JSON is JSON', async () => {
    const r = await submit(JSON.stringify(referral()), { 'content-type': 'Application/JSON' });
    expect(r.status, r.text).toBe(201);
  });

  it('accepts an empty honeypot "website": ""', async () => {
    const r = await submit({ ...referral(), website: '' });
    expect(r.status, r.text).toBe(201);
  });

  it('accepts optional fields left out and every field at its maximum length', async () => {
    const minimal = referral();
    delete minimal.attorney.organization;
    delete minimal.attorney.barNumber;
    delete minimal.attorney.barState;
    delete minimal.custody.fieldOffice;
    delete minimal.custody.detainedSince;
    delete minimal.medical.riskFactors;
    delete minimal.medical.medications;
    delete minimal.request.specialty;
    expect((await submit(minimal)).status).toBe(201);

    const t = await today();
    const max = referral({
      attorney: { name: 'n'.repeat(120), organization: 'o'.repeat(160), barNumber: 'b'.repeat(40) },
      client: { givenName: 'g'.repeat(80), familyName: 'f'.repeat(80), dateOfBirth: addYears(t, -120) },
      custody: { facilityName: 'c'.repeat(160), fieldOffice: 'f'.repeat(80), detainedSince: t },
      medical: { concern: 'x'.repeat(4000), medications: 'm'.repeat(2000) },
      request: {
        services: ['record_review', 'declaration', 'psychological_evaluation', 'physical_evaluation', 'release_planning'],
        specialty: 'infectious_disease',
        deadline: addDays(t, 30),
      },
    });
    const r = await submit(max);
    expect(r.status, r.text).toBe(201);
    const min = referral({ medical: { concern: '0123456789' }, client: { givenName: 'G', familyName: 'F' }, attorney: { name: 'N' } });
    expect((await submit(min)).status).toBe(201);
  });

  it('accepts every documented enum value', async () => {
    for (const specialty of ['general', 'pediatrics', 'psychiatry', 'obstetrics', 'infectious_disease', 'internal_medicine']) {
      const r = await submit(referral({ request: { specialty } }));
      expect(r.status, `${specialty}: ${r.text}`).toBe(201);
    }
    const allRisks = [
      'pregnancy',
      'postpartum',
      'chronic_heart',
      'chronic_lung',
      'diabetes',
      'hiv',
      'liver',
      'kidney',
      'cancer',
      'immunocompromised',
      'serious_mental_illness',
      'suicidal_ideation',
      'disability',
      'tuberculosis',
      'recent_hospitalization',
      'medication_interrupted',
      'hunger_strike',
    ];
    const r = await submit(referral({ medical: { riskFactors: allRisks } }));
    expect(r.status, r.text).toBe(201);
  });

  it('accepts documented language tags and country codes', async () => {
    for (const language of ['es', 'ht', 'quc', 'en', 'es-MX', 'zh-Hant', 'es-419']) {
      const r = await submit(referral({ client: { language } }));
      expect(r.status, `${language}: ${r.text}`).toBe(201);
    }
    for (const countryOfBirth of ['HN', 'GT', 'SV', 'HT', 'MX', 'VE']) {
      const r = await submit(referral({ client: { countryOfBirth } }));
      expect(r.status, `${countryOfBirth}: ${r.text}`).toBe(201);
    }
  });

  it('a deadline of today is accepted', async () => {
    const r = await submit(referral({ request: { deadline: await today() } }));
    expect(r.status, r.text).toBe(201);
  });
});

describe('POST /api/referrals — normalization (seen through the staff detail)', () => {
  const cases: [string, string][] = [
    ['A123456789', '123456789'],
    ['a123456789', '123456789'],
    ['A 201-555-987', '201555987'],
    ['12345678', '012345678'],
    ['A-12-345-678', '012345678'],
    ['a 1234 5678', '012345678'],
  ];
  for (const [input, stored] of cases) {
    it(`A-number "${input}" is stored as ${stored}`, async () => {
      const { referralId } = await create(referral({ client: { aNumber: input } }));
      const d = await detail(referralId);
      expect(findKey(d, 'aNumber', 'client') ?? findKey(d, 'aNumber')).toBe(stored);
    });
  }

  const phones: [string, string][] = [
    ['(512) 555-0100', '+15125550100'],
    ['512-555-0100', '+15125550100'],
    ['512.555.0100', '+15125550100'],
    ['5125550100', '+15125550100'],
    ['+1 512 555 0100', '+15125550100'],
    ['1 (512) 555-0100', '+15125550100'],
    ['+52 55 1234 5678', '+525512345678'],
    ['+44 20 7946 0958', '+442079460958'],
  ];
  for (const [input, stored] of phones) {
    it(`attorney phone "${input}" is stored as ${stored}`, async () => {
      const { referralId } = await create(referral({ attorney: { phone: input } }));
      const d = await detail(referralId);
      expect(findKey(d, 'phone', 'attorney') ?? findKey(d, 'phone')).toBe(stored);
    });
  }
});

describe('POST /api/referrals — errors', () => {
  it('415 for a non-JSON content type', async () => {
    const r = await submit(JSON.stringify(referral()), { 'content-type': 'text/plain' });
    expectProblem(r, 415, [PHI.givenName, PHI.familyName]);
    const r2 = await submit('a=1&b=2', { 'content-type': 'application/x-www-form-urlencoded' });
    expectProblem(r2, 415);
    expect(await list()).toEqual([]);
  });

  it('415 without a content type', async () => {
    const r = await attorneyCall(rt, 'POST', '/api/referrals', undefined, {});
    // no body and no content type: not JSON
    expect([400, 415]).toContain(r.status);
    const r2 = await fetch(`${rt.url}/api/referrals`, {
      method: 'POST',
      body: new Blob([JSON.stringify(referral())]),
      headers: { authorization: `Bearer ${await attorneyToken(rt)}` },
    });
    const text = await r2.text();
    expect(r2.status, text).toBe(415);
    expect(r2.headers.get('content-type') ?? '').toContain(PROBLEM);
  });

  it('400 for malformed JSON, without echoing the body', async () => {
    const r = await submit('{"client": {"givenName": "Xiomara", "aNumber": A201555987 }');
    expectProblem(r, 400, ['Xiomara', 'A201555987', '201555987']);
    const r2 = await submit('{"attorney": ');
    expectProblem(r2, 400);
    const r3 = await submit('Quintanilla');
    expectProblem(r3, 400, ['Quintanilla']);
  });

  it('413 for a body over 64 KiB; exactly 64 KiB is still read', async () => {
    const json = JSON.stringify(referral());
    const exact = json + ' '.repeat(64 * 1024 - Buffer.byteLength(json));
    expect(Buffer.byteLength(exact)).toBe(65536);
    const ok = await submit(exact);
    expect(ok.status, ok.text).toBe(201);
    const over = `${exact} `;
    expectProblem(await submit(over), 413, [PHI.givenName]);
    const huge = JSON.stringify(referral({ medical: { concern: 'y'.repeat(200_000) } }));
    expectProblem(await submit(huge), 413);
    expect(await list()).toHaveLength(1);
  });

  it('413 for a body over 64 KiB sent without Content-Length (chunked)', async () => {
    const json = JSON.stringify(referral());
    const big = json + ' '.repeat(70 * 1024);
    const bytes = new TextEncoder().encode(big);
    const stream = new ReadableStream({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 8192) controller.enqueue(bytes.slice(i, i + 8192));
        controller.close();
      },
    });
    const r = await fetch(`${rt.url}/api/referrals`, {
      method: 'POST',
      body: stream,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await attorneyToken(rt)}` },
      duplex: 'half',
    } as RequestInit);
    const text = await r.text();
    expect(r.status, text).toBe(413);
    expect(r.headers.get('content-type') ?? '').toContain(PROBLEM);
    await settle();
    expect(await list()).toEqual([]);
  });

  it('422 for a JSON body that is not an object', async () => {
    expectProblem(await submit('[]'), 422);
    expectProblem(await submit('null'), 422);
    expectProblem(await submit('"text"'), 422);
  });

  it('422 for an unknown field at the top level, with its path', async () => {
    const r = await submit({ ...referral(), notes: 'Xiomara secret note' });
    expectProblem(r, 422, ['Xiomara secret note']);
    expect(errorPaths(r)).toEqual(['notes']);
  });

  for (const path of [
    'attorney.nickname',
    'client.middleName',
    'custody.cell',
    'medical.diagnosis',
    'request.priority',
    'consent.signature',
  ]) {
    it(`422 for an unknown nested field ${path}`, async () => {
      const r = await submit(setPath(referral(), path, 'Zanzibarmarker'));
      expectProblem(r, 422, ['Zanzibarmarker']);
      expect(errorPaths(r)).toEqual([path]);
    });
  }

  // [path, value (undefined = removed), description]
  const invalid: [string, unknown, string][] = [
    ['attorney', undefined, 'missing attorney'],
    ['attorney', 'lawyer-string', 'not an object'],
    ['attorney.name', undefined, 'missing'],
    ['attorney.name', '', 'empty'],
    ['attorney.name', 'n'.repeat(121), 'too long'],
    ['attorney.organization', 'o'.repeat(161), 'too long'],
    ['attorney.email', 'not-an-email-marker', 'not an email'],
    ['attorney.phone', undefined, 'missing'],
    ['attorney.phone', '55501', 'too short'],
    ['attorney.phone', 'call me maybe', 'not a phone'],
    ['attorney.barNumber', 'b'.repeat(41), 'too long'],
    ['attorney.barState', 'ZQ', 'not a state'],
    ['attorney.g28Filed', undefined, 'missing'],
    ['attorney.g28Filed', 'true', 'a string'],
    ['client', undefined, 'missing client'],
    ['client.givenName', undefined, 'missing'],
    ['client.givenName', '', 'empty'],
    ['client.givenName', 'g'.repeat(81), 'too long'],
    ['client.familyName', undefined, 'missing'],
    ['client.familyName', 'f'.repeat(81), 'too long'],
    ['client.aNumber', undefined, 'missing'],
    ['client.aNumber', 'A1234567', '7 digits'],
    ['client.aNumber', 'A1234567890', '10 digits'],
    ['client.aNumber', 'A12345X789', 'a letter'],
    ['client.aNumber', 'B123456789', 'another prefix'],
    ['client.aNumber', 123456789, 'a number'],
    ['client.dateOfBirth', undefined, 'missing'],
    ['client.dateOfBirth', '1990-02-30', 'not a real date'],
    ['client.dateOfBirth', '1990/04/02', 'wrong format'],
    ['client.dateOfBirth', '2100-01-01', 'in the future'],
    ['client.countryOfBirth', undefined, 'missing'],
    ['client.countryOfBirth', 'ZX', 'unassigned code'],
    ['client.countryOfBirth', 'HND', 'alpha-3'],
    ['client.countryOfBirth', 'Honduras', 'a name'],
    ['client.language', undefined, 'missing'],
    ['client.language', 'Spanish', 'a name'],
    ['client.language', 'ES', 'upper-case primary subtag'],
    ['client.language', 'e', 'one letter'],
    ['client.language', 'span', 'four letters'],
    ['client.interpreterNeeded', undefined, 'missing'],
    ['client.interpreterNeeded', 'yes', 'a string'],
    ['custody', undefined, 'missing custody'],
    ['custody.facilityName', undefined, 'missing'],
    ['custody.facilityName', '', 'empty'],
    ['custody.facilityName', 'c'.repeat(161), 'too long'],
    ['custody.facilityState', undefined, 'missing'],
    ['custody.facilityState', 'ZQ', 'not a state'],
    ['custody.facilityState', 'Texas', 'a name'],
    ['custody.fieldOffice', 'f'.repeat(81), 'too long'],
    ['custody.detainedSince', '2100-01-01', 'in the future'],
    ['custody.detainedSince', '2026-13-01', 'not a date'],
    ['medical', undefined, 'missing medical'],
    ['medical.concern', undefined, 'missing'],
    ['medical.concern', 'too short', '9 chars'],
    ['medical.concern', 'x'.repeat(4001), 'too long'],
    ['medical.riskFactors', ['pregnancy', 'pregnancy'], 'duplicates'],
    ['medical.riskFactors', ['influenza'], 'unknown factor'],
    ['medical.riskFactors', 'pregnancy', 'not an array'],
    ['medical.medications', 'm'.repeat(2001), 'too long'],
    ['medical.attorneyUrgency', undefined, 'missing'],
    ['medical.attorneyUrgency', 'emergency', 'unknown value'],
    ['request', undefined, 'missing request'],
    ['request.services', undefined, 'missing'],
    ['request.services', [], 'empty'],
    ['request.services', ['declaration', 'declaration'], 'duplicates'],
    ['request.services', ['surgery'], 'unknown service'],
    ['request.specialty', 'cardiology', 'unknown specialty'],
    ['request.deadline', '2020-01-01', 'in the past'],
    ['request.deadline', 'next week', 'not a date'],
    ['consent', undefined, 'missing consent'],
    ['consent.releaseOfInformation', undefined, 'missing'],
    ['consent.releaseOfInformation', false, 'false'],
    ['consent.releaseOfInformation', 'true', 'a string'],
  ];
  for (const [path, value, what] of invalid) {
    it(`422 ${path}: ${what} → exactly one error at that path, no value echoed`, async () => {
      const r = await submit(setPath(referral(), path, value));
      // only distinctive values: a message may well say "must be true"
      const secrets = typeof value === 'string' && value.length >= 5 ? [value] : [];
      expectProblem(r, 422, [...secrets, PHI.givenName, PHI.familyName, PHI.aNumberDigits, PHI.concern, PHI.facilityName]);
      const paths = errorPaths(r);
      expect(paths).toHaveLength(1);
      // the contract shows field paths ("client.aNumber"); an element path under the field ("medical.riskFactors.0") is accepted
      expect(paths[0] === path || paths[0].startsWith(`${path}.`), `${paths[0]} names ${path}`).toBe(true);
    });
  }

  it('422 date boundaries relative to today in the program time zone', async () => {
    const t = await today();
    const tomorrow = addDays(t, 1);
    const cases: [string, string][] = [
      ['client.dateOfBirth', tomorrow],
      ['client.dateOfBirth', addDays(addYears(t, -120), -1)],
      ['custody.detainedSince', tomorrow],
      ['request.deadline', addDays(t, -1)],
    ];
    for (const [path, value] of cases) {
      const r = await submit(setPath(referral(), path, value));
      expectProblem(r, 422, [value]);
      expect(errorPaths(r), `${path}=${value}`).toEqual([path]);
    }
    // and the edges that are allowed
    expect((await submit(setPath(referral(), 'client.dateOfBirth', t))).status).toBe(201);
    expect((await submit(setPath(referral(), 'client.dateOfBirth', addYears(t, -120)))).status).toBe(201);
    expect((await submit(setPath(referral(), 'custody.detainedSince', t))).status).toBe(201);
  });

  it('422 lists one error per bad field', async () => {
    let body = setPath(referral(), 'client.aNumber', 'A12');
    body = setPath(body, 'attorney.email', 'nope-marker');
    body = setPath(body, 'medical.attorneyUrgency', 'soon');
    body = setPath(body, 'request.services', []);
    const r = await submit(body);
    expectProblem(r, 422, ['nope-marker', 'soon']);
    expect(errorPaths(r).sort()).toEqual(['attorney.email', 'client.aNumber', 'medical.attorneyUrgency', 'request.services']);
  });

  it('a 422 creates nothing', async () => {
    await submit(setPath(urgent(), 'client.aNumber', 'A12'));
    expect(await list()).toEqual([]);
    const box = await outbox();
    expect(box.sms).toEqual([]);
  });
});

describe('POST /api/referrals — honeypot', () => {
  it('non-empty website → 202 and the request is dropped', async () => {
    const now = await clockNow();
    await roster({ doctors: [ANA], coordinators: [LEE], shifts: [shift(now, 'd-ana')] });
    const r = await submit({ ...urgent(), website: 'http://spam.example' });
    expect(r.status, r.text).toBe(202);
    expect(r.headers.get('location')).toBeNull();
    expect(await list()).toEqual([]);
    const box = await outbox();
    expect(box.sms).toEqual([]);
    expect(box.email).toEqual([]);
    expect(await schedules()).toEqual([]);
  });
});

describe('POST /api/referrals — honeypot edge cases', () => {
  it('a honeypot of spaces is still non-empty → 202, dropped', async () => {
    const r = await submit({ ...referral(), website: '   ' });
    expect(r.status, r.text).toBe(202);
    expect(await list()).toEqual([]);
  });

  it('a filled honeypot gets 202 even when the rest of the body is invalid', async () => {
    const r = await submit({ website: 'http://spam.example' });
    expect(r.status, r.text).toBe(202);
    expect(await list()).toEqual([]);
  });
});

describe('POST /api/referrals — Idempotency-Key', () => {
  it('same key + same body → same status and body, one referral', async () => {
    const body = urgent();
    const a = await submit(body, { 'idempotency-key': 'key-1_A' });
    const b = await submit(body, { 'idempotency-key': 'key-1_A' });
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.json).toEqual(a.json);
    expect(await list()).toHaveLength(1);
  });

  it('same key + same body replays the honeypot 202 too and creates nothing', async () => {
    const body = { ...referral(), website: 'x' };
    const a = await submit(body, { 'idempotency-key': 'hp-1' });
    const b = await submit(body, { 'idempotency-key': 'hp-1' });
    expect(a.status).toBe(202);
    expect(b.status).toBe(202);
    expect(b.text).toBe(a.text);
    expect(await list()).toEqual([]);
  });

  it('same key + different body → 422 problem, nothing new', async () => {
    const a = await submit(referral(), { 'idempotency-key': 'key-2' });
    expect(a.status).toBe(201);
    const b = await submit(referral({ client: { givenName: 'Otherwise' } }), { 'idempotency-key': 'key-2' });
    expectProblem(b, 422, ['Otherwise', PHI.familyName]);
    expect(await list()).toHaveLength(1);
  });

  it('different keys create different referrals', async () => {
    const body = referral();
    const a = await submit(body, { 'idempotency-key': 'k-a' });
    const b = await submit(body, { 'idempotency-key': 'k-b' });
    expect(a.json.referralId).not.toBe(b.json.referralId);
    expect(await list()).toHaveLength(2);
  });

  it('concurrent requests with one key: each 201 or 409, one referral, same body for every 201', async () => {
    const now = await clockNow();
    await roster({ doctors: [ANA], coordinators: [LEE], shifts: [shift(now, 'd-ana')] });
    const body = urgent();
    const results = await Promise.all(
      Array.from({ length: 6 }, () => attorneyCall(rt, 'POST', '/api/referrals', body, { 'idempotency-key': 'concurrent-key' })),
    );
    await settle();
    const statuses = results.map((r) => r.status);
    for (const s of statuses) expect([201, 409]).toContain(s);
    const created = results.filter((r) => r.status === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    for (const r of created) expect(r.json).toEqual(created[0].json);
    for (const r of results.filter((x) => x.status === 409)) expectProblem(r, 409, [PHI.givenName]);
    expect(await list()).toHaveLength(1);
    // after the first finished, a replay answers the first response
    const again = await submit(body, { 'idempotency-key': 'concurrent-key' });
    expect(again.status).toBe(201);
    expect(again.json).toEqual(created[0].json);
    // and one page per doctor, not one per request
    expect(offersTo(await outbox(), ANA.phone)).toHaveLength(1);
  });

  it('a key of 255 allowed characters is accepted', async () => {
    const r = await submit(referral(), { 'idempotency-key': `${'aZ09_-'.repeat(42)}abc` });
    expect(r.status, r.text).toBe(201);
  });

  it('a key outside 1–255 chars of [A-Za-z0-9_-] is rejected with a 4xx problem (status not specified)', async () => {
    for (const key of ['a'.repeat(256), 'has space', 'semi;colon', 'ü-key']) {
      const r = await attorneyCall(rt, 'POST', '/api/referrals', referral(), {
        'idempotency-key': encodeURIComponent(key) === key ? key : key.replace('ü', '%C3%BC'),
      });
      expect(r.status, `${key}: ${r.text}`).toBeGreaterThanOrEqual(400);
      expect(r.status).toBeLessThan(500);
      expect(r.headers.get('content-type') ?? '').toContain(PROBLEM);
    }
    expect(await list()).toEqual([]);
  });
});

// ==================================================================================================
// Triage
// ==================================================================================================

describe('triage', () => {
  const URGENT_RISKS = [
    'pregnancy',
    'postpartum',
    'cancer',
    'suicidal_ideation',
    'tuberculosis',
    'recent_hospitalization',
    'medication_interrupted',
    'hunger_strike',
  ];
  const CHRONIC = ['chronic_heart', 'chronic_lung', 'diabetes', 'hiv', 'liver', 'kidney', 'immunocompromised'];
  const NEUTRAL = ['serious_mental_illness', 'disability'];

  async function triage(over: Json): Promise<Json> {
    const r = await submit(referral(over));
    expect(r.status, r.text).toBe(201);
    return r.json;
  }

  beforeEach(async () => {
    await roster({ doctors: [], coordinators: [LEE], shifts: [] });
  });

  it('no rule → routine, reasons [], awaiting_review', async () => {
    expect(await triage({ medical: { riskFactors: NEUTRAL } })).toMatchObject({
      urgency: 'routine',
      reasons: [],
      status: 'awaiting_review',
    });
  });

  it('attorney_marked_urgent', async () => {
    expect(await triage({ medical: { attorneyUrgency: 'urgent' } })).toMatchObject({
      urgency: 'urgent',
      reasons: ['attorney_marked_urgent'],
      status: 'paging',
    });
  });

  it('deadline_within_7_days: today and +7 fire, +8 does not', async () => {
    const t = await today();
    for (const n of [0, 1, 7]) {
      expect(await triage({ request: { deadline: addDays(t, n) } }), `+${n}`).toMatchObject({
        urgency: 'urgent',
        reasons: ['deadline_within_7_days'],
      });
    }
    expect(await triage({ request: { deadline: addDays(t, 8) } })).toMatchObject({ urgency: 'routine', reasons: [] });
  });

  for (const factor of URGENT_RISKS) {
    it(`risk:${factor}`, async () => {
      expect(await triage({ medical: { riskFactors: [factor] } })).toMatchObject({
        urgency: 'urgent',
        reasons: [`risk:${factor}`],
        status: 'paging',
      });
    });
  }

  it('non-urgent risk factors alone (adult under 55) → routine', async () => {
    const t = await today();
    expect(await triage({ client: { dateOfBirth: addYears(t, -40) }, medical: { riskFactors: [...CHRONIC, ...NEUTRAL] } })).toMatchObject({
      urgency: 'routine',
      reasons: [],
    });
  });

  it('age_55_plus_chronic fires on the 55th birthday with each chronic factor, not the day before', async () => {
    const t = await today();
    const dob55 = addYears(t, -55);
    for (const factor of CHRONIC) {
      expect(await triage({ client: { dateOfBirth: dob55 }, medical: { riskFactors: [factor] } }), factor).toMatchObject({
        urgency: 'urgent',
        reasons: ['age_55_plus_chronic'],
      });
    }
    expect(await triage({ client: { dateOfBirth: addDays(dob55, 1) }, medical: { riskFactors: ['diabetes'] } })).toMatchObject({
      urgency: 'routine',
      reasons: [],
    });
    expect(await triage({ client: { dateOfBirth: addYears(t, -80) }, medical: { riskFactors: NEUTRAL } })).toMatchObject({
      urgency: 'routine',
      reasons: [],
    });
  });

  it('minor fires until the 18th birthday', async () => {
    const t = await today();
    const dob18 = addYears(t, -18);
    expect(await triage({ client: { dateOfBirth: addDays(dob18, 1) } })).toMatchObject({ urgency: 'urgent', reasons: ['minor'] });
    expect(await triage({ client: { dateOfBirth: addYears(t, -3) } })).toMatchObject({ urgency: 'urgent', reasons: ['minor'] });
    expect(await triage({ client: { dateOfBirth: t } })).toMatchObject({ urgency: 'urgent', reasons: ['minor'] });
    expect(await triage({ client: { dateOfBirth: dob18 } })).toMatchObject({ urgency: 'routine', reasons: [] });
  });

  it('reasons list every rule that fired, in table order (with age_55_plus_chronic)', async () => {
    const t = await today();
    const r = await triage({
      client: { dateOfBirth: addYears(t, -60) },
      medical: { attorneyUrgency: 'urgent', riskFactors: [...URGENT_RISKS, 'diabetes', 'hiv'] },
      request: { deadline: addDays(t, 3) },
    });
    expect(r.urgency).toBe('urgent');
    expect(r.reasons).toEqual([
      'attorney_marked_urgent',
      'deadline_within_7_days',
      ...URGENT_RISKS.map((f) => `risk:${f}`),
      'age_55_plus_chronic',
    ]);
  });

  it('reasons in table order (with minor), whatever the order of input fields', async () => {
    const t = await today();
    const body = referral({
      client: { dateOfBirth: addYears(t, -16) },
      medical: { attorneyUrgency: 'urgent', riskFactors: ['hunger_strike'] },
      request: { deadline: addDays(t, 2) },
    });
    // put request before medical, medical before client in the JSON text
    const reordered = {
      request: body.request,
      medical: body.medical,
      consent: body.consent,
      custody: body.custody,
      client: body.client,
      attorney: body.attorney,
    };
    const r = await submit(reordered);
    expect(r.status).toBe(201);
    expect(r.json.reasons).toEqual(['attorney_marked_urgent', 'deadline_within_7_days', 'risk:hunger_strike', 'minor']);
  });

  it('"today" is the program time zone\'s date, also when the UTC date is already tomorrow', async () => {
    const now = await clockNow();
    const [h, m] = hmIn(now).split(':').map(Number);
    const minutes = (20 * 60 - (h * 60 + m) + 1440) % 1440; // to 20:xx in Chicago = the next day in UTC
    const moved = await advance(minutes);
    const at = new Date(moved.now);
    const t = ymdIn(at);
    expect(ymdIn(at, 'UTC'), 'test setup: UTC date differs').toBe(addDays(t, 1));
    expect(await triage({ request: { deadline: addDays(t, 7) } })).toMatchObject({ reasons: ['deadline_within_7_days'] });
    expect(await triage({ request: { deadline: addDays(t, 8) } })).toMatchObject({ urgency: 'routine', reasons: [] });
    expect(await triage({ client: { dateOfBirth: addDays(addYears(t, -18), 1) } })).toMatchObject({ reasons: ['minor'] });
    expect(await triage({ client: { dateOfBirth: addYears(t, -55) }, medical: { riskFactors: ['kidney'] } })).toMatchObject({
      reasons: ['age_55_plus_chronic'],
    });
    expect(await triage({ client: { dateOfBirth: addDays(addYears(t, -55), 1) }, medical: { riskFactors: ['kidney'] } })).toMatchObject({
      reasons: [],
    });
    const future = await submit(referral({ client: { dateOfBirth: addDays(t, 1) } }));
    expectProblem(future, 422);
    expect(errorPaths(future)).toEqual(['client.dateOfBirth']);
    const past = await submit(referral({ request: { deadline: t } }));
    expect(past.status, 'a deadline of today (program time zone) is allowed').toBe(201);
  }, 60_000);

  it('risk reasons follow the documented factor order (input given in reverse) — see report if ambiguous', async () => {
    const r = await triage({ medical: { riskFactors: [...URGENT_RISKS].reverse() } });
    expect(r.reasons).toEqual(URGENT_RISKS.map((f) => `risk:${f}`));
  });
});

// ==================================================================================================
// Roster import
// ==================================================================================================

/** The roster's 422 body; its content type is checked in a test of its own. */
function expectRosterProblem(r: Res) {
  expect(r.status, r.text).toBe(422);
  expect(typeof r.json.type).toBe('string');
  expect(typeof r.json.title).toBe('string');
  expect(r.json.status).toBe(422);
}

describe('PUT /_local/roster', () => {
  it('accepts the documented example document', async () => {
    await roster({
      doctors: [
        {
          id: 'd-ana',
          name: 'Dr. Ana Ruiz',
          email: 'ana@example.org',
          phone: '+15125550101',
          specialties: ['general', 'psychiatry'],
          languages: ['en', 'es'],
          timeZone: 'America/Chicago',
          maxOpenCases: 3,
          active: true,
          quietHours: { start: '22:00', end: '07:00' },
        },
      ],
      coordinators: [{ id: 'c-lee', name: 'Lee Park', email: 'lee@example.org', phone: '+15125550199' }],
      shifts: [{ doctorId: 'd-ana', role: 'primary', start: '2026-11-28T08:00:00-06:00', end: '2026-11-29T08:00:00-06:00' }],
    });
  });

  it('422 with every error listed; nothing changes (a later page still uses the old roster)', async () => {
    const now = await clockNow();
    await roster({ doctors: [ANA], coordinators: [LEE], shifts: [shift(now, 'd-ana')] });

    const bad = {
      doctors: [
        BOB, // valid
        { ...CY, email: 'not-an-email' }, // bad #1
        { ...DEE, specialties: ['astrology'] }, // bad #2
      ],
      coordinators: [{ ...KIM, phone: 'none' }], // bad #3
      shifts: [
        shift(now, 'd-bob'), // valid
        { ...shift(now, 'd-cy'), role: 'oncall' }, // bad #4
      ],
    };
    const r = await putRoster(bad);
    expectRosterProblem(r);
    const paths = errorPaths(r);
    expect(paths.length, JSON.stringify(r.json.errors)).toBeGreaterThanOrEqual(4);
    const has = (...parts: (string | number)[]) => paths.some((p) => parts.every((x) => p.includes(String(x))));
    expect(has('doctors', 1, 'email'), JSON.stringify(paths)).toBe(true);
    expect(has('doctors', 2, 'specialties'), JSON.stringify(paths)).toBe(true);
    expect(has('coordinators', 0, 'phone'), JSON.stringify(paths)).toBe(true);
    expect(has('shifts', 1, 'role'), JSON.stringify(paths)).toBe(true);

    const { referralId } = await create(urgent());
    const box = await outbox();
    expect(pagedPhones(box)).toEqual([ANA.phone]);
    // the rejected coordinator list did not replace Lee: escalation still goes to Lee
    await advance(15);
    await advance(15);
    expect(await statusOf(referralId)).toBe('escalated');
    const after = await outbox();
    expect(smsTo(after, LEE.phone).length).toBeGreaterThan(0);
    expect(smsTo(after, KIM.phone)).toEqual([]);
    expect(smsTo(after, BOB.phone)).toEqual([]);
  }, 60_000);

  it('422 for a shift naming an unknown doctor, and for a shift ending before it starts', async () => {
    const now = await clockNow();
    const r = await putRoster({
      doctors: [ANA],
      coordinators: [LEE],
      shifts: [shift(now, 'd-nobody'), { doctorId: 'd-ana', role: 'primary', start: shift(now, 'x').end, end: shift(now, 'x').start }],
    });
    expectRosterProblem(r);
    expect(errorPaths(r).length).toBeGreaterThanOrEqual(2);
  });

  it('422 for malformed top level (missing lists)', async () => {
    const r = await putRoster({ doctors: [ANA] });
    expectRosterProblem(r);
    expect(errorPaths(r).sort()).toEqual(['coordinators', 'shifts']);
  });

  it('a roster 422 is an error response like any other: content-type application/problem+json', async () => {
    const r = await putRoster({ doctors: [{ ...ANA, email: 'nope' }], coordinators: [LEE], shifts: [] });
    expectProblem(r, 422);
  });
});

// ==================================================================================================
// Paging
// ==================================================================================================

describe('paging waves', () => {
  it('wave 1 = active matching primaries on shift; wave 2 after 15 min = backups + other active matching awake doctors; final wave → escalated', async () => {
    const now = await clockNow();
    await roster({
      doctors: [
        ANA, // primary on shift → wave 1
        BOB, // backup on shift → wave 2
        CY, // no shift, awake → wave 2
        { ...DEE, active: false }, // primary, inactive → never
        { ...FAY, ...quietAround(now) }, // no shift, asleep → never
        GUS, // primary shift ended → wave 2 (other active doctor)
      ],
      coordinators: [LEE, KIM],
      shifts: [shift(now, 'd-ana'), shift(now, 'd-bob', 'backup'), shift(now, 'd-dee'), pastShift(now, 'd-gus')],
    });

    const { referralId } = await create(urgent());
    let box = await outbox();
    expect(pagedPhones(box)).toEqual([ANA.phone]);
    expect(emailTo(box, ANA.email).length).toBe(1);
    expect(emailTo(box, BOB.email)).toEqual([]);
    expect(await statusOf(referralId)).toBe('paging');
    let sched = await schedules();
    const wave2 = sched.find((s) => s.name.includes(referralId) && s.name.includes('wave2'));
    expect(wave2, JSON.stringify(sched)).toBeDefined();
    expect(Date.parse(wave2!.at) - now.getTime()).toBeGreaterThanOrEqual(15 * MIN - 5_000);
    expect(Date.parse(wave2!.at) - now.getTime()).toBeLessThanOrEqual(15 * MIN + 60_000);
    for (const s of sched) expect(s.name).toContain(referralId);
    for (const c of [LEE, KIM]) expect(smsTo(box, c.phone)).toEqual([]);

    const firstAdvance = await advance(15);
    expect(firstAdvance.fired.map((f) => f.name)).toContain(wave2!.name);
    box = await outbox();
    expect(pagedPhones(box)).toEqual([ANA.phone, BOB.phone, CY.phone, GUS.phone].sort());
    for (const d of [ANA, BOB, CY, GUS]) {
      expect(offersTo(box, d.phone), d.id).toHaveLength(1);
      expect(emailTo(box, d.email).length, d.id).toBe(1);
    }
    for (const d of [DEE, FAY]) {
      expect(smsTo(box, d.phone)).toEqual([]);
      expect(emailTo(box, d.email)).toEqual([]);
    }
    for (const c of [LEE, KIM]) expect(smsTo(box, c.phone), 'no coordinator SMS before the final wave').toEqual([]);
    expect(await statusOf(referralId)).toBe('paging');
    sched = await schedules();
    const final = sched.find((s) => s.name.includes(referralId));
    expect(final, 'a final-wave schedule').toBeDefined();
    expect(final!.name).not.toContain('wave2');

    const secondAdvance = await advance(15);
    expect(secondAdvance.fired.map((f) => f.name)).toContain(final!.name);
    box = await outbox();
    for (const c of [LEE, KIM]) {
      expect(smsTo(box, c.phone).length, c.id).toBeGreaterThanOrEqual(1);
      expect(
        smsTo(box, c.phone).some((s) => s.body.includes(referralId)),
        'coordinator SMS names the case',
      ).toBe(true);
      expect(emailTo(box, c.email).some((e) => e.text.includes(referralId) || e.subject.includes(referralId))).toBe(true);
    }
    expect(await statusOf(referralId)).toBe('escalated');
    // nobody is paged twice
    for (const d of [ANA, BOB, CY, GUS]) expect(offersTo(box, d.phone), d.id).toHaveLength(1);

    // offers stay open: a wave-1 doctor can still accept
    const offer = offersTo(box, ANA.phone)[0];
    const read = await offerPost(offer.offerId, '', { token: offer.token });
    expect(read.status).toBe(200);
    expect(read.json.state).toBe('open');
    const acc = await offerPost(offer.offerId, 'accept', { token: offer.token });
    expect(acc.status, acc.text).toBe(200);
    expect(acc.json).toEqual({ outcome: 'accepted', referralId });
    expect(await statusOf(referralId)).toBe('assigned');
  }, 60_000);

  it('page SMS: "YES dddd" and the offer link with a ≥128-bit base64url token; the email carries the same link', async () => {
    const now = await clockNow();
    await roster({ doctors: [ANA, BOB], coordinators: [LEE], shifts: [shift(now, 'd-ana'), shift(now, 'd-bob')] });
    await create(urgent());
    const box = await outbox();
    const links = new Set<string>();
    for (const d of [ANA, BOB]) {
      const sms = smsTo(box, d.phone);
      expect(sms).toHaveLength(1);
      expect(sms[0].body).toMatch(/YES \d{4}(?!\d)/);
      const link = parseLink(sms[0].body)!;
      expect(link, sms[0].body).toBeDefined();
      expect(link.base).toBe(rt.url);
      expect(link.token.length).toBeGreaterThanOrEqual(22);
      expect(link.token).toMatch(/^[A-Za-z0-9_-]+$/);
      const full = `${rt.url}/offers/${link.offerId}#token=${link.token}`;
      expect(sms[0].body).toContain(full);
      const mails = emailTo(box, d.email);
      expect(mails).toHaveLength(1);
      // the email carries a link to the same offer; whether it must be the very same token is not stated (see report)
      const mailLink = parseLink(mails[0].text)!;
      expect(mailLink, mails[0].text).toBeDefined();
      expect(mailLink.base).toBe(rt.url);
      expect(mailLink.offerId).toBe(link.offerId);
      expect(mailLink.token.length).toBeGreaterThanOrEqual(22);
      expect(mails[0].text).toContain(`${rt.url}/offers/${link.offerId}#token=${mailLink.token}`);
      links.add(link.token);
    }
    expect(links.size).toBe(2);
  });

  it('the email link and the SMS link open the same offer; a decline through one uses up the other', async () => {
    const now = await clockNow();
    await roster({ doctors: [ANA, BOB], coordinators: [LEE], shifts: [shift(now, 'd-ana'), shift(now, 'd-bob')] });
    await create(urgent());
    const box = await outbox();
    const viaSms = parseLink(smsTo(box, ANA.phone)[0].body)!;
    const viaMail = parseLink(emailTo(box, ANA.email)[0].text)!;
    expect((await offerPost(viaMail.offerId, '', { token: viaMail.token })).json.state).toBe('open');
    expect((await offerPost(viaSms.offerId, 'decline', { token: viaSms.token })).status).toBe(200);
    expectProblem(await offerPost(viaMail.offerId, 'accept', { token: viaMail.token }), 410);
  });

  it('no doctor message carries the client name, A-number, birth date, facility, concern or medications', async () => {
    const now = await clockNow();
    await roster({ doctors: [ANA, BOB], coordinators: [LEE], shifts: [shift(now, 'd-ana'), shift(now, 'd-bob', 'backup')] });
    const { referralId } = await create(urgent({ request: { deadline: addDays(await today(), 20) } }));
    const ana = await onlyOffer(ANA.phone);
    await advance(15); // BOB paged
    const bob = await onlyOffer(BOB.phone);
    await offerPost(ana.offerId, 'accept', { token: ana.token }); // intro + "no longer needed"
    expect(await statusOf(referralId)).toBe('assigned');
    void bob;
    const box = await outbox();
    const doctorTexts = [
      ...box.sms.filter((s) => [ANA.phone, BOB.phone].includes(s.to)).map((s) => s.body),
      ...box.email.filter((e) => e.to.some((t) => [ANA.email, BOB.email].includes(t))).flatMap((e) => [e.subject, e.text, e.html]),
    ];
    expect(doctorTexts.length).toBeGreaterThanOrEqual(4);
    const forbidden = [
      PHI.givenName,
      PHI.familyName,
      PHI.aNumberDigits,
      PHI.aNumberDashed,
      PHI.dateOfBirth,
      '03/17/1984',
      PHI.facilityName,
      'zebrafinch',
      'quokkamarker',
      'Isoniazid',
    ];
    for (const text of doctorTexts) for (const f of forbidden) expect(text, `doctor message contains "${f}"`).not.toContain(f);
  });

  it("codes are unique among one doctor's open offers", async () => {
    const now = await clockNow();
    await roster({ doctors: [ANA], coordinators: [LEE], shifts: [shift(now, 'd-ana')] });
    // from two attorneys: a fourth urgent referral of the day from one of them would be held (Trust and budgets)
    for (let i = 0; i < 4; i++) await create(urgent({ attorney: { email: `attorney${i % 2}@example.org` } }));
    const offers = offersTo(await outbox(), ANA.phone);
    expect(offers).toHaveLength(4);
    expect(new Set(offers.map((o) => o.code)).size).toBe(4);
    for (const o of offers) expect(o.code).toMatch(/^\d{4}$/);
  });

  it('specialty: "general" matches every doctor; another specialty only doctors who list it', async () => {
    const now = await clockNow();
    await roster({
      doctors: [ANA, { ...BOB, specialties: ['obstetrics'] }, { ...CY, specialties: ['psychiatry'] }],
      coordinators: [LEE],
      shifts: [shift(now, 'd-ana'), shift(now, 'd-bob'), shift(now, 'd-cy')],
    });
    await create(urgent({ request: { specialty: 'obstetrics' } }));
    expect(pagedPhones(await outbox())).toEqual([BOB.phone]);

    await call(rt, 'POST', '/_local/reset');
    await trustAttorneyDomain();
    const now2 = await clockNow();
    await roster({
      doctors: [ANA, { ...BOB, specialties: ['obstetrics'] }, { ...CY, specialties: ['psychiatry'] }],
      coordinators: [LEE],
      shifts: [shift(now2, 'd-ana'), shift(now2, 'd-bob'), shift(now2, 'd-cy')],
    });
    await create(urgent());
    expect(pagedPhones(await outbox())).toEqual([ANA.phone, BOB.phone, CY.phone].sort());
  });

  it('wave 1 leaves out a primary at maxOpenCases', async () => {
    const now = await clockNow();
    await roster({ doctors: [{ ...ANA, maxOpenCases: 1 }, BOB], coordinators: [LEE], shifts: [shift(now, 'd-ana'), shift(now, 'd-bob')] });
    const first = await create(urgent());
    const ana = await onlyOffer(ANA.phone);
    expect((await offerPost(ana.offerId, 'accept', { token: ana.token })).status).toBe(200);
    expect(await statusOf(first.referralId)).toBe('assigned');
    const before = offersTo(await outbox(), BOB.phone).length;
    await create(urgent());
    const box = await outbox();
    expect(offersTo(box, ANA.phone), 'Ana is full').toHaveLength(1);
    expect(offersTo(box, BOB.phone).length).toBe(before + 1);
  });

  it("quiet hours are read in the doctor's own time zone", async () => {
    const now = await clockNow();
    await roster({
      doctors: [
        { ...BOB, timeZone: 'Asia/Tokyo', ...quietAround(now, 'Asia/Tokyo') }, // asleep in Tokyo
        { ...CY, timeZone: 'Asia/Tokyo', ...quietAround(now, TZ) }, // those hours are daytime in Tokyo
      ],
      coordinators: [LEE],
      shifts: [],
    });
    await create(urgent());
    expect(pagedPhones(await outbox())).toEqual([CY.phone]);
  });

  it("a closed case frees the doctor's capacity", async () => {
    const now = await clockNow();
    await roster({
      doctors: [{ ...ANA, maxOpenCases: 1 }, BOB],
      coordinators: [LEE],
      shifts: [shift(now, 'd-ana'), shift(now, 'd-bob', 'backup')],
    });
    const first = await create(urgent());
    const ana = await onlyOffer(ANA.phone);
    expect((await offerPost(ana.offerId, 'accept', { token: ana.token })).status).toBe(200);
    expect((await staff('POST', `/api/staff/referrals/${first.referralId}/close`, { outcome: 'care_established' })).status).toBe(200);
    await create(urgent());
    expect(offersTo(await outbox(), ANA.phone)).toHaveLength(2);
  });

  it('wave 2 at once when wave 1 is empty', async () => {
    const now = await clockNow();
    await roster({ doctors: [BOB], coordinators: [LEE], shifts: [shift(now, 'd-bob', 'backup')] });
    const { referralId } = await create(urgent());
    expect(pagedPhones(await outbox())).toEqual([BOB.phone]);
    const sched = (await schedules()).filter((s) => s.name.includes(referralId));
    expect(sched.some((s) => s.name.includes('wave2'))).toBe(false);
    expect(sched.length).toBe(1); // the final wave, 15 minutes later
    expect(Math.abs(Date.parse(sched[0].at) - (now.getTime() + 15 * MIN))).toBeLessThan(60_000);
    expect(smsTo(await outbox(), LEE.phone)).toEqual([]);
    expect(await statusOf(referralId)).toBe('paging');
  });

  it('wave 2 at once when every wave-1 doctor declined', async () => {
    const now = await clockNow();
    await roster({ doctors: [ANA, BOB], coordinators: [LEE], shifts: [shift(now, 'd-ana'), shift(now, 'd-bob', 'backup')] });
    const { referralId } = await create(urgent());
    const ana = await onlyOffer(ANA.phone);
    expect(pagedPhones(await outbox())).toEqual([ANA.phone]);
    const r = await offerPost(ana.offerId, 'decline', { token: ana.token });
    expect(r.status).toBe(200);
    expect(pagedPhones(await outbox())).toEqual([ANA.phone, BOB.phone]);
    expect(await statusOf(referralId)).toBe('paging');
  });

  it('final wave at once when nobody can be paged: escalated, coordinators get SMS and email', async () => {
    await roster({ doctors: [], coordinators: [LEE, KIM], shifts: [] });
    const { referralId } = await create(urgent());
    expect(await statusOf(referralId)).toBe('escalated');
    const box = await outbox();
    for (const c of [LEE, KIM]) {
      expect(smsTo(box, c.phone).length).toBeGreaterThanOrEqual(1);
      expect(emailTo(box, c.email).length).toBeGreaterThanOrEqual(1);
    }
  });

  it('final wave at once when wave 2 turns out empty (15 min after wave 1, not 30)', async () => {
    const now = await clockNow();
    await roster({ doctors: [ANA], coordinators: [LEE], shifts: [shift(now, 'd-ana')] });
    const { referralId } = await create(urgent());
    expect(smsTo(await outbox(), LEE.phone)).toEqual([]);
    await advance(15);
    expect(await statusOf(referralId)).toBe('escalated');
    expect(smsTo(await outbox(), LEE.phone).length).toBeGreaterThanOrEqual(1);
    expect(offersTo(await outbox(), ANA.phone)).toHaveLength(1);
  });

  it('final wave at once when all of wave 2 declined', async () => {
    const now = await clockNow();
    await roster({ doctors: [BOB], coordinators: [LEE], shifts: [shift(now, 'd-bob', 'backup')] });
    const { referralId } = await create(urgent());
    const bob = await onlyOffer(BOB.phone);
    expect(smsTo(await outbox(), LEE.phone)).toEqual([]);
    expect((await offerPost(bob.offerId, 'decline', { token: bob.token })).status).toBe(200);
    expect(await statusOf(referralId)).toBe('escalated');
    expect(smsTo(await outbox(), LEE.phone).length).toBeGreaterThanOrEqual(1);
  });

  it('routine referrals are not paged', async () => {
    const now = await clockNow();
    await roster({ doctors: [ANA], coordinators: [LEE], shifts: [shift(now, 'd-ana')] });
    await create(referral());
    expect(pagedPhones(await outbox())).toEqual([]);
  });
});

// ==================================================================================================
// Offer endpoints and accepting
// ==================================================================================================

describe('offer endpoints', () => {
  const OFFER_KEYS = ['deadline', 'language', 'reasons', 'referralId', 'services', 'specialty', 'state', 'urgency'].sort();

  async function twoDoctorCase(over: Json = {}) {
    const now = await clockNow();
    await roster({
      doctors: [ANA, BOB, CY],
      coordinators: [LEE],
      shifts: [shift(now, 'd-ana'), shift(now, 'd-bob'), shift(now, 'd-cy', 'backup')],
    });
    const created = await create(urgent(over));
    return { created, ana: await onlyOffer(ANA.phone), bob: await onlyOffer(BOB.phone) };
  }

  it('POST /api/offers/{id} → 200 with exactly the documented keys, state open; reading changes nothing', async () => {
    const t = await today();
    const { created, ana } = await twoDoctorCase({
      request: { deadline: addDays(t, 20), services: ['declaration', 'record_review'], specialty: 'general' },
      client: { language: 'ht' },
    });
    const r = await offerPost(ana.offerId, '', { token: ana.token });
    expect(r.status, r.text).toBe(200);
    expect(r.headers.get('content-type') ?? '').toContain('application/json');
    expect(Object.keys(r.json).sort()).toEqual(OFFER_KEYS);
    expect(r.json).toEqual({
      referralId: created.referralId,
      urgency: 'urgent',
      reasons: created.reasons,
      specialty: 'general',
      language: 'ht',
      services: ['declaration', 'record_review'],
      deadline: addDays(t, 20),
      state: 'open',
    });
    const again = await offerPost(ana.offerId, '', { token: ana.token });
    expect(again.json).toEqual(r.json);
    expect(await statusOf(created.referralId)).toBe('paging');
  });

  it('the offer view carries no PHI', async () => {
    const { ana } = await twoDoctorCase();
    const r = await offerPost(ana.offerId, '', { token: ana.token });
    for (const f of [PHI.givenName, PHI.familyName, PHI.aNumberDigits, PHI.dateOfBirth, PHI.facilityName, 'zebrafinch', 'quokkamarker']) {
      expect(r.text).not.toContain(f);
    }
  });

  it('without a deadline the view still has only documented keys', async () => {
    const { ana } = await twoDoctorCase();
    const r = await offerPost(ana.offerId, '', { token: ana.token });
    expect(r.status).toBe(200);
    for (const k of Object.keys(r.json)) expect(OFFER_KEYS).toContain(k);
    expect(r.json.deadline ?? null).toBeNull();
  });

  it('accept → 200 {outcome:"accepted", referralId}; repeat → same; loser → 409; states accepted_by_you / taken', async () => {
    const { created, ana, bob } = await twoDoctorCase();
    const id = created.referralId;
    const a = await offerPost(ana.offerId, 'accept', { token: ana.token });
    expect(a.status, a.text).toBe(200);
    expect(a.json).toEqual({ outcome: 'accepted', referralId: id });
    const again = await offerPost(ana.offerId, 'accept', { token: ana.token });
    expect(again.status, again.text).toBe(200);
    expect(again.json).toEqual({ outcome: 'accepted', referralId: id });
    const loser = await offerPost(bob.offerId, 'accept', { token: bob.token });
    expectProblem(loser, 409, [bob.token]);

    expect((await offerPost(ana.offerId, '', { token: ana.token })).json.state).toBe('accepted_by_you');
    const bobView = await offerPost(bob.offerId, '', { token: bob.token });
    expect(bobView.status, bobView.text).toBe(200);
    expect(bobView.json.state).toBe('taken');

    const items = await list();
    const item = items.find((i) => i.referralId === id)!;
    expect(item.status).toBe('assigned');
    expect(item.assignedDoctorId).toBe('d-ana');
  });

  it('after an accept: wave schedules gone, others told "no longer needed", intro emails to doctor and attorney', async () => {
    const { created, ana } = await twoDoctorCase();
    const id = created.referralId;
    const before = await outbox();
    const bobBefore = smsTo(before, BOB.phone).length + emailTo(before, BOB.email).length;
    expect((await schedules()).filter((s) => s.name.includes(id)).length).toBeGreaterThan(0);

    expect((await offerPost(ana.offerId, 'accept', { token: ana.token })).status).toBe(200);
    expect((await schedules()).filter((s) => s.name.includes(id))).toEqual([]);

    const box = await outbox();
    expect(smsTo(box, BOB.phone).length + emailTo(box, BOB.email).length, 'Bob told no longer needed').toBeGreaterThan(bobBefore);
    // Cy (wave 2, never paged) gets nothing
    expect(smsTo(box, CY.phone)).toEqual([]);
    expect(emailTo(box, CY.email)).toEqual([]);

    const digits = (s: string) => s.replace(/\D/g, '');
    const intro = (addr: string) => emailTo(box, addr).filter((e) => (e.text + e.subject).includes(id));
    const toDoctor = intro(ANA.email).find((e) => e.text.includes(ATTORNEY.email));
    expect(toDoctor, 'intro email to the doctor').toBeDefined();
    expect(toDoctor!.text).toContain(ATTORNEY.name);
    expect(digits(toDoctor!.text)).toContain(ATTORNEY.phoneDigits);
    const toAttorney = intro(ATTORNEY.email).find((e) => e.text.includes(ANA.email));
    expect(toAttorney, 'intro email to the attorney').toBeDefined();
    expect(toAttorney!.text).toContain(ANA.name);
    expect(digits(toAttorney!.text)).toContain('5125550101');

    // later waves never fire
    const adv = await advance(45);
    expect(adv.fired.filter((f) => f.name.includes(id))).toEqual([]);
    const later = await outbox();
    expect(smsTo(later, CY.phone)).toEqual([]);
    expect(smsTo(later, LEE.phone)).toEqual([]);
    expect(await statusOf(id)).toBe('assigned');
  });

  it('the first accept wins under concurrency', async () => {
    const { created, ana, bob } = await twoDoctorCase();
    const [a, b] = await Promise.all([
      call(rt, 'POST', `/api/offers/${ana.offerId}/accept`, { token: ana.token }),
      call(rt, 'POST', `/api/offers/${bob.offerId}/accept`, { token: bob.token }),
    ]);
    await settle();
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const winner = a.status === 200 ? 'd-ana' : 'd-bob';
    const item = (await list()).find((i) => i.referralId === created.referralId)!;
    expect(item.assignedDoctorId).toBe(winner);
  });

  it('the first accept wins between an SMS accept and a link accept at once; the loser is told', async () => {
    const { created, ana, bob } = await twoDoctorCase();
    const [sms, link] = await Promise.all([
      call(rt, 'POST', '/_local/sms/inbound', { from: ANA.phone, body: `YES ${ana.code}` }),
      call(rt, 'POST', `/api/offers/${bob.offerId}/accept`, { token: bob.token }),
    ]);
    await settle();
    expect(sms.status).toBe(200);
    expect(sms.json.replies.some((x: Json) => x.to === ANA.phone)).toBe(true);
    expect([200, 409]).toContain(link.status);
    const item = (await list()).find((i) => i.referralId === created.referralId)!;
    expect(item.status).toBe('assigned');
    expect(item.assignedDoctorId).toBe(link.status === 200 ? 'd-bob' : 'd-ana');
    const box = await outbox();
    const intros = box.email.filter((e) => e.to.includes(ATTORNEY.email) && (e.text.includes(ANA.email) || e.text.includes(BOB.email)));
    expect(intros, 'one introduction to the attorney').toHaveLength(1);
  });

  it('an SMS accept after another doctor won gets a reply and changes nothing', async () => {
    const { created, ana, bob } = await twoDoctorCase();
    expect((await offerPost(ana.offerId, 'accept', { token: ana.token })).status).toBe(200);
    const r = await inbound(BOB.phone, `YES ${bob.code}`);
    expect(r.json.replies.some((x: Json) => x.to === BOB.phone && x.body.length > 0)).toBe(true);
    const item = (await list()).find((i) => i.referralId === created.referralId)!;
    expect(item.assignedDoctorId).toBe('d-ana');
  });

  it('the same doctor accepting twice at once: both 200', async () => {
    const { created, ana } = await twoDoctorCase();
    const rs = await Promise.all([1, 2, 3].map(() => call(rt, 'POST', `/api/offers/${ana.offerId}/accept`, { token: ana.token })));
    await settle();
    for (const r of rs) {
      expect(r.status, r.text).toBe(200);
      expect(r.json).toEqual({ outcome: 'accepted', referralId: created.referralId });
    }
  });

  it('decline → 200 {outcome:"declined"}, the token is used up (410 afterwards)', async () => {
    const { ana, bob } = await twoDoctorCase();
    const d = await offerPost(ana.offerId, 'decline', { token: ana.token, reason: 'On call elsewhere' });
    expect(d.status, d.text).toBe(200);
    expect(d.json).toEqual({ outcome: 'declined' });
    expectProblem(await offerPost(ana.offerId, '', { token: ana.token }), 410);
    expectProblem(await offerPost(ana.offerId, 'accept', { token: ana.token }), 410);
    expectProblem(await offerPost(ana.offerId, 'decline', { token: ana.token }), 410);
    const d2 = await offerPost(bob.offerId, 'decline', { token: bob.token });
    expect(d2.status).toBe(200);
    expect(d2.json).toEqual({ outcome: 'declined' });
  });

  it('unknown offer → 404; wrong token → 403 (view, accept, decline)', async () => {
    const { created, ana, bob } = await twoDoctorCase();
    for (const action of ['', 'accept', 'decline'] as const) {
      expectProblem(await offerPost('no-such-offer', action, { token: ana.token }), 404, [ana.token]);
      expectProblem(await offerPost(ana.offerId, action, { token: bob.token }), 403, [bob.token]);
      expectProblem(await offerPost(ana.offerId, action, { token: 'A'.repeat(43) }), 403);
    }
    // nothing changed
    expect(await statusOf(created.referralId)).toBe('paging');
    expect((await offerPost(ana.offerId, '', { token: ana.token })).json.state).toBe('open');
  });

  it('state closed after the referral is closed', async () => {
    const { created, ana } = await twoDoctorCase();
    const c = await staff('POST', `/api/staff/referrals/${created.referralId}/close`, { outcome: 'withdrawn' });
    expect(c.status, c.text).toBe(200);
    const v = await offerPost(ana.offerId, '', { token: ana.token });
    expect(v.status, v.text).toBe(200);
    expect(v.json.state).toBe('closed');
  });

  it('GET /offers/{id} → HTML with Referrer-Policy: no-referrer; never changes anything', async () => {
    const { created, ana } = await twoDoctorCase();
    const before = await outbox();
    const r = await fetch(`${rt.url}/offers/${ana.offerId}`);
    const html = await r.text();
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type') ?? '').toContain('text/html');
    expect(r.headers.get('referrer-policy')).toBe('no-referrer');
    expect(html.toLowerCase()).toContain('<html');
    for (const f of [PHI.givenName, PHI.familyName, PHI.facilityName]) expect(html).not.toContain(f);
    await settle();
    expect(await outbox()).toEqual(before);
    expect(await statusOf(created.referralId)).toBe('paging');
    expect((await offerPost(ana.offerId, '', { token: ana.token })).json.state).toBe('open');
  });
});

// ==================================================================================================
// Inbound SMS
// ==================================================================================================

describe('POST /_local/sms/inbound', () => {
  async function pagedCase(doctors: Json[] = [ANA], backups: Json[] = []) {
    const now = await clockNow();
    await roster({
      doctors: [...doctors, ...backups],
      coordinators: [LEE],
      shifts: [...doctors.map((d) => shift(now, d.id)), ...backups.map((d) => shift(now, d.id, 'backup'))],
    });
    const created = await create(urgent());
    return { id: created.referralId as string, offer: await onlyOffer(doctors[0].phone) };
  }

  const accepts = [
    'YES {c}',
    'Y {c}',
    'ACCEPT {c}',
    'SI {c}',
    'SÍ {c}',
    '{c} YES',
    'yes {c}',
    'Yes, {c}!',
    '  yes   {c}  ',
    'sí {c}.',
    'accept  #{c}',
  ];
  for (const form of accepts) {
    it(`"${form}" accepts the offer and replies`, async () => {
      const { id, offer } = await pagedCase();
      const r = await inbound(ANA.phone, form.replace('{c}', offer.code));
      expect(r.status, r.text).toBe(200);
      expect(Object.keys(r.json)).toEqual(['replies']);
      expect(r.json.replies.length).toBeGreaterThanOrEqual(1);
      for (const reply of r.json.replies) {
        expect(Object.keys(reply).sort()).toEqual(['body', 'to']);
        expect(typeof reply.body).toBe('string');
      }
      expect(r.json.replies.some((x: Json) => x.to === ANA.phone && x.body.length > 0)).toBe(true);
      expect(await statusOf(id)).toBe('assigned');
    });
  }

  for (const form of ['NO {c}', 'N {c}', 'DECLINE {c}', 'no {c}', 'Decline: {c}']) {
    it(`"${form}" declines the offer (wave 2 pages at once) and replies`, async () => {
      const { id, offer } = await pagedCase([ANA], [BOB]);
      expect(pagedPhones(await outbox())).toEqual([ANA.phone]);
      const r = await inbound(ANA.phone, form.replace('{c}', offer.code));
      expect(r.status).toBe(200);
      expect(r.json.replies.some((x: Json) => x.to === ANA.phone && x.body.length > 0)).toBe(true);
      expect(pagedPhones(await outbox())).toEqual([ANA.phone, BOB.phone]);
      expect(await statusOf(id)).toBe('paging');
    });
  }

  it('"YES" without a code accepts when the sender has exactly one open offer', async () => {
    const { id } = await pagedCase();
    const r = await inbound(ANA.phone, 'yes');
    expect(r.json.replies.some((x: Json) => x.to === ANA.phone)).toBe(true);
    expect(await statusOf(id)).toBe('assigned');
  });

  it('"YES" without a code with two open offers asks for the code; nothing changes', async () => {
    const { id } = await pagedCase();
    const second = (await create(urgent())).referralId;
    const r = await inbound(ANA.phone, 'YES');
    expect(r.status).toBe(200);
    expect(r.json.replies.length).toBeGreaterThanOrEqual(1);
    expect(r.json.replies[0].to).toBe(ANA.phone);
    expect(await statusOf(id)).toBe('paging');
    expect(await statusOf(second)).toBe('paging');
  });

  it('the code picks the right offer among several', async () => {
    const { id } = await pagedCase();
    const second = (await create(urgent())).referralId;
    const offers = offersTo(await outbox(), ANA.phone);
    expect(offers).toHaveLength(2);
    const view = await offerPost(offers[1].offerId, '', { token: offers[1].token });
    expect(view.json.referralId).toBe(second);
    await inbound(ANA.phone, `YES ${offers[1].code}`);
    expect(await statusOf(second)).toBe('assigned');
    expect(await statusOf(id)).toBe('paging');
  });

  it('HELP replies with how to answer; nothing changes', async () => {
    const { id } = await pagedCase();
    const r = await inbound(ANA.phone, 'HELP');
    expect(r.status).toBe(200);
    expect(r.json.replies.length).toBeGreaterThanOrEqual(1);
    expect(r.json.replies[0].to).toBe(ANA.phone);
    expect(r.json.replies[0].body).toMatch(/YES/);
    expect(await statusOf(id)).toBe('paging');
  });

  it('anything else replies with help; nothing changes', async () => {
    const { id, offer } = await pagedCase();
    for (const text of ['maybe later', 'YES 12', `YESS ${offer.code}`, '']) {
      const r = await inbound(ANA.phone, text);
      expect(r.status, text).toBe(200);
      expect(r.json.replies.length, text).toBeGreaterThanOrEqual(1);
      expect(r.json.replies[0].to).toBe(ANA.phone);
    }
    expect(await statusOf(id)).toBe('paging');
  });

  it("a code that is not the sender's changes nothing", async () => {
    const { id, offer } = await pagedCase();
    const other = offer.code === '0000' ? '0001' : '0000';
    await inbound(ANA.phone, `YES ${other}`);
    await inbound(BOB.phone, `YES ${offer.code}`);
    expect(await statusOf(id)).toBe('paging');
  });

  for (const word of ['STOP', 'stop', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'STOPALL']) {
    it(`"${word}" opts the number out (no more SMS) and the coordinator is told`, async () => {
      await pagedCase([ANA]);
      const before = await outbox();
      const leeBefore = smsTo(before, LEE.phone).length + emailTo(before, LEE.email).length;
      const r = await inbound(ANA.phone, word);
      expect(r.status).toBe(200);
      const mid = await outbox();
      expect(smsTo(mid, LEE.phone).length + emailTo(mid, LEE.email).length, 'coordinator told').toBeGreaterThan(leeBefore);
      const anaSmsBefore = smsTo(mid, ANA.phone).length;
      await create(urgent());
      const after = await outbox();
      expect(smsTo(after, ANA.phone).length, 'no more SMS to an opted-out number').toBe(anaSmsBefore);
    });
  }
});

// ==================================================================================================
// Staff API
// ==================================================================================================

describe('staff API — auth', () => {
  const paths: [string, string, unknown?][] = [
    ['GET', '/api/staff/referrals'],
    ['GET', '/api/staff/referrals/MR-00000000'],
    [
      'POST',
      '/api/staff/referrals/MR-00000000/release',
      { releasedOn: '2026-11-28', state: 'TX', patientLanguage: 'es', smsConsent: false },
    ],
    ['POST', '/api/staff/referrals/MR-00000000/close', { outcome: 'withdrawn' }],
  ];

  for (const [method, path, body] of paths) {
    it(`${method} ${path}: 401 without or with an invalid token, 403 without the group`, async () => {
      expectProblem(await call(rt, method, path, body), 401);
      expectProblem(await call(rt, method, path, body, { authorization: 'Bearer not-a-jwt' }), 401);
      const good = await tokenFor('coordinators');
      const [h, p] = good.split('.');
      expectProblem(await call(rt, method, path, body, { authorization: `Bearer ${h}.${p}.${'A'.repeat(43)}` }), 401);
      // a forged payload with the group under the original signature
      const none = Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url');
      expectProblem(await call(rt, method, path, body, { authorization: `Bearer ${none}.${p}.` }), 401);
      const payload = decodeJwtPayload(await tokenFor('attorneys'));
      const forged = Buffer.from(JSON.stringify({ ...payload, 'cognito:groups': ['coordinators'], groups: ['coordinators'] })).toString(
        'base64url',
      );
      const other = (await tokenFor('attorneys')).split('.');
      expectProblem(await call(rt, method, path, body, { authorization: `Bearer ${other[0]}.${forged}.${other[2]}` }), 401);
      expectProblem(await call(rt, method, path, body, { authorization: good }), 401); // no "Bearer"
      expectProblem(await call(rt, method, path, body, { authorization: `Bearer ${await tokenFor('attorneys')}` }), 403);
      expectProblem(await call(rt, method, path, body, { authorization: `Bearer ${await tokenFor('coordinator')}` }), 403);
    });
  }

  it('/_local/token returns {token}, a JWT whose groups claim is [NAME]', async () => {
    const r = await call(rt, 'GET', '/_local/token?group=coordinators');
    expect(r.status).toBe(200);
    expect(Object.keys(r.json)).toEqual(['token']);
    expect(r.json.token.split('.')).toHaveLength(3);
    const payload = decodeJwtPayload(r.json.token);
    const groups = Object.entries(payload)
      .filter(([k, v]) => /groups/i.test(k) && Array.isArray(v))
      .map(([, v]) => v);
    expect(groups).toContainEqual(['coordinators']);
  });
});

describe('staff API — list and detail', () => {
  beforeEach(async () => {
    const now = await clockNow();
    await roster({ doctors: [ANA], coordinators: [LEE], shifts: [shift(now, 'd-ana')] });
  });

  it('list: newest first, exactly the documented item keys; ?status= filters', async () => {
    const a = await create(referral());
    await advance(1);
    const b = await create(urgent());
    await advance(1);
    const c = await create(referral());
    await advance(1);
    const items = await list();
    expect(items.map((i) => i.referralId)).toEqual([c.referralId, b.referralId, a.referralId]);
    for (const i of items) {
      expect(Object.keys(i).sort()).toEqual(['createdAt', 'referralId', 'status', 'urgency']);
      expect(Number.isNaN(Date.parse(i.createdAt))).toBe(false);
    }
    expect(Date.parse(items[0].createdAt)).toBeGreaterThan(Date.parse(items[1].createdAt));
    expect(items.find((i) => i.referralId === b.referralId)).toMatchObject({ status: 'paging', urgency: 'urgent' });

    const routine = await list('?status=awaiting_review');
    expect(routine.map((i) => i.referralId)).toEqual([c.referralId, a.referralId]);
    const paging = await list('?status=paging');
    expect(paging.map((i) => i.referralId)).toEqual([b.referralId]);
    expect(await list('?status=closed')).toEqual([]);

    // assigned items carry assignedDoctorId
    const offer = await onlyOffer(ANA.phone);
    await offerPost(offer.offerId, 'accept', { token: offer.token });
    const assigned = await list('?status=assigned');
    expect(assigned).toHaveLength(1);
    expect(Object.keys(assigned[0]).sort()).toEqual(['assignedDoctorId', 'createdAt', 'referralId', 'status', 'urgency']);
    expect(assigned[0].assignedDoctorId).toBe('d-ana');
  });

  it('list: an unknown ?status= value is a 4xx problem, not a silent empty list (behaviour not specified: 400 or 422)', async () => {
    const r = await staff('GET', '/api/staff/referrals?status=bogus');
    expect([400, 422]).toContain(r.status);
    expect(r.headers.get('content-type') ?? '').toContain(PROBLEM);
  });

  it('detail: the full referral, its offers and its timeline; each read is recorded (who, when)', async () => {
    const { referralId } = await create(urgent());
    const d1 = await detail(referralId);
    const text = JSON.stringify(d1);
    for (const v of [PHI.givenName, PHI.familyName, PHI.aNumberDigits, PHI.facilityName, PHI.concern, PHI.medications, ATTORNEY.email]) {
      expect(text, `detail has ${v}`).toContain(v);
    }
    expect(text).toContain(referralId);
    expect(Array.isArray(d1.offers), 'detail.offers is an array').toBe(true);
    expect(d1.offers.length).toBe(1);
    expect(Array.isArray(d1.timeline), 'detail.timeline is an array').toBe(true);
    const d2 = await detail(referralId);
    expect(d2.timeline.length).toBeGreaterThan(d1.timeline.length);
    const fresh = d2.timeline.slice().filter((e: Json) => !d1.timeline.some((o: Json) => JSON.stringify(o) === JSON.stringify(e)));
    expect(fresh.length).toBeGreaterThanOrEqual(1);
    const payload = decodeJwtPayload(await tokenFor('coordinators'));
    const who = [payload.sub, payload.email, payload['cognito:username'], payload.username].filter(Boolean) as string[];
    const readEntry = fresh.find((e: Json) => who.some((w) => JSON.stringify(e).includes(w)));
    expect(readEntry, `read entry naming one of ${who.join(', ')} in ${JSON.stringify(fresh)}`).toBeDefined();
    expect(JSON.stringify(readEntry)).toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
  });

  it('detail of an unknown referral → 404 problem', async () => {
    expectProblem(await staff('GET', '/api/staff/referrals/MR-00000000'), 404);
  });
});

describe('staff API — release and close', () => {
  const releaseBody = (over: Json = {}) => ({
    releasedOn: '',
    state: 'TX',
    city: 'Austin',
    patientPhone: '(512) 555-0142',
    patientLanguage: 'es',
    smsConsent: true,
    ...over,
  });

  async function setup(kind: 'routine' | 'urgent' = 'routine') {
    const now = await clockNow();
    await roster({ doctors: [ANA], coordinators: [LEE], shifts: [shift(now, 'd-ana')] });
    const created = await create(kind === 'urgent' ? urgent() : referral());
    return { id: created.referralId as string, today: ymdIn(now) };
  }

  function checkReminders(reminders: Json[], releasedOn: string, withPatient: boolean) {
    const steps = reminders.map((r) => r.step);
    const expected = withPatient
      ? ['day1_coordinator', 'day3_patient', 'day7_coordinator', 'day30_coordinator']
      : ['day1_coordinator', 'day7_coordinator', 'day30_coordinator'];
    expect([...steps].sort()).toEqual([...expected].sort());
    for (const r of reminders) {
      expect(Object.keys(r).sort()).toEqual(['audience', 'dueAt', 'step']);
      const due = new Date(r.dueAt);
      expect(Number.isNaN(due.getTime())).toBe(false);
      expect(hmIn(due), `${r.step} at 09:00 ${TZ}`).toBe('09:00');
      expect(typeof r.audience).toBe('string');
    }
    const dayOf = (step: string) => ymdIn(new Date(reminders.find((r) => r.step === step)!.dueAt));
    expect(dayDiff(dayOf('day1_coordinator'), dayOf('day7_coordinator'))).toBe(6);
    expect(dayDiff(dayOf('day1_coordinator'), dayOf('day30_coordinator'))).toBe(29);
    const d1 = dayDiff(releasedOn, dayOf('day1_coordinator'));
    expect([0, 1]).toContain(d1);
    if (withPatient) expect(dayDiff(dayOf('day1_coordinator'), dayOf('day3_patient'))).toBe(2);
    const aud = Object.fromEntries(reminders.map((r) => [r.step, r.audience]));
    expect(aud.day1_coordinator).toMatch(/coordinator/i);
    if (withPatient) expect(aud.day3_patient).toMatch(/patient/i);
  }

  it('release → 200 {status:"released", reminders} with the four default steps at 09:00 program time, scheduled', async () => {
    const { id, today: t } = await setup();
    const r = await staff('POST', `/api/staff/referrals/${id}/release`, releaseBody({ releasedOn: t }));
    expect(r.status, r.text).toBe(200);
    expect(Object.keys(r.json).sort()).toEqual(['reminders', 'status']);
    expect(r.json.status).toBe('released');
    checkReminders(r.json.reminders, t, true);
    expect(await statusOf(id)).toBe('released');
    const sched = (await schedules()).filter((s) => s.name.includes(id));
    expect(sched).toHaveLength(4);
    for (const rem of r.json.reminders) {
      const s = sched.find((x) => x.name.includes(rem.step));
      expect(s, `schedule for ${rem.step}`).toBeDefined();
      expect(Date.parse(s!.at)).toBe(Date.parse(rem.dueAt));
    }
  });

  it('09:00 program time holds across a DST change', async () => {
    const start = await clockNow();
    // move the app clock to 2027-03-10 (DST starts 2027-03-14 in Chicago)
    const target = Date.parse('2027-03-10T18:00:00Z');
    await advance(Math.round((target - start.getTime()) / MIN));
    await roster({ doctors: [], coordinators: [LEE], shifts: [] });
    const { referralId } = await create(referral());
    const r = await staff('POST', `/api/staff/referrals/${referralId}/release`, releaseBody({ releasedOn: '2027-03-10' }));
    expect(r.status, r.text).toBe(200);
    checkReminders(r.json.reminders, '2027-03-10', true);
  }, 60_000);

  it('day3_patient only with smsConsent and patientPhone', async () => {
    const { id, today: t } = await setup();
    const r1 = await staff('POST', `/api/staff/referrals/${id}/release`, releaseBody({ releasedOn: t, smsConsent: false }));
    expect(r1.status, r1.text).toBe(200);
    checkReminders(r1.json.reminders, t, false);

    const { id: id2, today: t2 } = await (async () => {
      const c = await create(referral());
      return { id: c.referralId as string, today: t };
    })();
    const body = releaseBody({ releasedOn: t2 });
    delete (body as Json).patientPhone;
    const r2 = await staff('POST', `/api/staff/referrals/${id2}/release`, body);
    expect(r2.status, r2.text).toBe(200);
    checkReminders(r2.json.reminders, t2, false);
    expect((await schedules()).filter((s) => s.name.includes('day3_patient'))).toEqual([]);
  });

  it('releasing twice does not duplicate reminders', async () => {
    const { id, today: t } = await setup();
    const a = await staff('POST', `/api/staff/referrals/${id}/release`, releaseBody({ releasedOn: t }));
    expect(a.status).toBe(200);
    const b = await staff('POST', `/api/staff/referrals/${id}/release`, releaseBody({ releasedOn: t }));
    expect(b.status, b.text).toBe(200);
    expect(b.json.status).toBe('released');
    expect(b.json.reminders).toHaveLength(4);
    const sched = (await schedules()).filter((s) => s.name.includes(id));
    expect(sched).toHaveLength(4);
    expect(new Set(sched.map((s) => s.name)).size).toBe(4);
  });

  it('reminders fire at their time: the patient SMS in patientLanguage, English fallback', async () => {
    const { id, today: t } = await setup();
    const rel = await staff(
      'POST',
      `/api/staff/referrals/${id}/release`,
      releaseBody({ releasedOn: t, patientPhone: '+15125550142', patientLanguage: 'es' }),
    );
    expect(rel.status).toBe(200);
    const second = (await create(referral())).referralId;
    expect(
      (
        await staff(
          'POST',
          `/api/staff/referrals/${second}/release`,
          releaseBody({ releasedOn: t, patientPhone: '+15125550143', patientLanguage: 'en' }),
        )
      ).status,
    ).toBe(200);
    const third = (await create(referral())).referralId;
    expect(
      (
        await staff(
          'POST',
          `/api/staff/referrals/${third}/release`,
          releaseBody({ releasedOn: t, patientPhone: '+15125550144', patientLanguage: 'quc' }),
        )
      ).status,
    ).toBe(200);

    const adv = await advance(5 * 24 * 60);
    const times = adv.fired.map((f) => Date.parse(f.at));
    expect([...times].sort((x, y) => x - y)).toEqual(times);
    expect(
      adv.fired
        .filter((f) => f.name.includes(id))
        .map((f) => f.name)
        .some((n) => n.includes('day3_patient')),
    ).toBe(true);
    const box = await outbox();
    const es = smsTo(box, '+15125550142');
    const en = smsTo(box, '+15125550143');
    const quc = smsTo(box, '+15125550144');
    expect(es).toHaveLength(1);
    expect(en).toHaveLength(1);
    expect(quc).toHaveLength(1);
    expect(es[0].body).not.toBe(en[0].body);
    expect(quc[0].body).toBe(en[0].body);
    for (const m of [...es, ...en]) for (const f of [PHI.givenName, PHI.familyName, PHI.aNumberDigits]) expect(m.body).not.toContain(f);
  }, 60_000);

  it('release validation: 422 with paths, no value echoed', async () => {
    const { id, today: t } = await setup();
    const body = releaseBody({ releasedOn: t, patientPhone: 'call-me-marker' }) as Json;
    delete body.patientLanguage;
    const r = await staff('POST', `/api/staff/referrals/${id}/release`, body);
    expectProblem(r, 422, ['call-me-marker']);
    expect(errorPaths(r).sort()).toEqual(['patientLanguage', 'patientPhone']);
    expect(await statusOf(id)).toBe('awaiting_review');
    expect(await schedules()).toEqual([]);
  });

  it('close → 200 {status:"closed"}; remaining reminders and waves are deleted', async () => {
    const { id, today: t } = await setup('urgent');
    expect((await schedules()).filter((s) => s.name.includes(id)).length).toBeGreaterThan(0);
    const rel = await staff('POST', `/api/staff/referrals/${id}/release`, releaseBody({ releasedOn: t }));
    expect(rel.status).toBe(200);
    expect((await schedules()).filter((s) => s.name.includes(id)).length).toBeGreaterThanOrEqual(4);
    const c = await staff('POST', `/api/staff/referrals/${id}/close`, { outcome: 'care_established' });
    expect(c.status, c.text).toBe(200);
    expect(c.json).toEqual({ status: 'closed' });
    expect((await schedules()).filter((s) => s.name.includes(id))).toEqual([]);
    expect(await statusOf(id)).toBe('closed');
    const adv = await advance(40 * 24 * 60);
    expect(adv.fired.filter((f) => f.name.includes(id))).toEqual([]);
  }, 60_000);

  it('close an urgent paging referral deletes its waves; nobody else is paged', async () => {
    const { id } = await setup('urgent');
    const c = await staff('POST', `/api/staff/referrals/${id}/close`, { outcome: 'withdrawn' });
    expect(c.status).toBe(200);
    expect((await schedules()).filter((s) => s.name.includes(id))).toEqual([]);
    await advance(60);
    expect(smsTo(await outbox(), LEE.phone)).toEqual([]);
  });

  it('close accepts every documented outcome', async () => {
    await setup();
    for (const outcome of ['parole_granted', 'parole_denied', 'transferred', 'removed', 'withdrawn', 'care_established']) {
      const { referralId } = await create(referral());
      const r = await staff('POST', `/api/staff/referrals/${referralId}/close`, { outcome });
      expect(r.status, `${outcome}: ${r.text}`).toBe(200);
      expect(r.json).toEqual({ status: 'closed' });
    }
  });

  it('close with an unknown outcome → 422 with the path', async () => {
    const { id } = await setup();
    const r = await staff('POST', `/api/staff/referrals/${id}/close`, { outcome: 'vanished-marker' });
    expectProblem(r, 422, ['vanished-marker']);
    expect(errorPaths(r)).toEqual(['outcome']);
    expect(await statusOf(id)).toBe('awaiting_review');
  });
});

// ==================================================================================================
// Attorney outcome link
// ==================================================================================================

describe('attorney outcome link', () => {
  async function receipt() {
    const now = await clockNow();
    await roster({ doctors: [ANA], coordinators: [LEE], shifts: [shift(now, 'd-ana')] });
    const { referralId } = await create(referral());
    const box = await outbox();
    const mails = emailTo(box, ATTORNEY.email);
    const re = new RegExp(`(https?://[^\\s"'<>]+?)/outcome/${referralId}#token=([A-Za-z0-9_-]+)`);
    const mail = mails.find((m) => re.test(m.text));
    expect(mail, `receipt email with the outcome link in ${JSON.stringify(mails.map((m) => m.text))}`).toBeDefined();
    const m = re.exec(mail!.text)!;
    return { id: referralId as string, base: m[1], token: m[2], today: ymdIn(now), mail: mail! };
  }

  it('the receipt email carries <BASE_URL>/outcome/{id}#token=…', async () => {
    const { base, token, mail } = await receipt();
    expect(base).toBe(rt.url);
    expect(token.length).toBeGreaterThanOrEqual(22);
    void mail;
  });

  it('GET /outcome/{id} → HTML; changes nothing', async () => {
    const { id } = await receipt();
    const before = await outbox();
    const r = await fetch(`${rt.url}/outcome/${id}`);
    const html = await r.text();
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type') ?? '').toContain('text/html');
    expect(html.toLowerCase()).toContain('<html');
    await settle();
    expect(await outbox()).toEqual(before);
    expect(await statusOf(id)).toBe('awaiting_review');
    expect(await schedules()).toEqual([]);
  });

  it('POST outcome parole_denied → 200 {status}', async () => {
    const { id, token } = await receipt();
    const r = await call(rt, 'POST', `/api/referrals/${id}/outcome`, { token, outcome: 'parole_denied' });
    await settle();
    expect(r.status, r.text).toBe(200);
    expect(Object.keys(r.json)).toEqual(['status']);
    expect(typeof r.json.status).toBe('string');
    expect(await statusOf(id)).toBe(r.json.status);
  });

  for (const outcome of ['transferred', 'removed']) {
    it(`POST outcome ${outcome} → 200 {status}`, async () => {
      const { id, token } = await receipt();
      const r = await call(rt, 'POST', `/api/referrals/${id}/outcome`, { token, outcome });
      expect(r.status, r.text).toBe(200);
      expect(Object.keys(r.json)).toEqual(['status']);
    });
  }

  it('parole_granted with a release → 200 {status:"released"}, reminders scheduled as for the staff release', async () => {
    const { id, token, today: t } = await receipt();
    const r = await call(rt, 'POST', `/api/referrals/${id}/outcome`, {
      token,
      outcome: 'parole_granted',
      release: { releasedOn: t, state: 'TX', city: 'Austin', patientPhone: '+15125550142', patientLanguage: 'es', smsConsent: true },
    });
    await settle();
    expect(r.status, r.text).toBe(200);
    // the contract: 200 { "status" }; extra keys are an allowed extension
    expect(r.json.status).toBe('released');
    const sched = (await schedules()).filter((s) => s.name.includes(id));
    expect(sched.map((s) => s.name).filter((n) => /day(1|3|7|30)_/.test(n))).toHaveLength(4);
    expect(sched.some((s) => s.name.includes('rem-day3_patient'))).toBe(true);
  });

  it('parole_granted without release → 422 naming "release"; nothing changes', async () => {
    const { id, token } = await receipt();
    const r = await call(rt, 'POST', `/api/referrals/${id}/outcome`, { token, outcome: 'parole_granted' });
    expectProblem(r, 422, [token]);
    expect(errorPaths(r)).toEqual(['release']);
    expect(await statusOf(id)).toBe('awaiting_review');
  });

  it('parole_granted with an invalid release → 422 naming the nested field', async () => {
    const { id, token, today: t } = await receipt();
    const r = await call(rt, 'POST', `/api/referrals/${id}/outcome`, {
      token,
      outcome: 'parole_granted',
      release: { releasedOn: t, state: 'TX', patientPhone: 'phone-marker-xyz', smsConsent: true },
    });
    expectProblem(r, 422, ['phone-marker-xyz', token]);
    expect(errorPaths(r).sort()).toEqual(['release.patientLanguage', 'release.patientPhone']);
    expect(await statusOf(id)).toBe('awaiting_review');
    expect(await schedules()).toEqual([]);
  });

  it('an outcome outside the attorney list → 422', async () => {
    const { id, token } = await receipt();
    for (const outcome of ['withdrawn', 'care_established', 'escaped-marker']) {
      const r = await call(rt, 'POST', `/api/referrals/${id}/outcome`, { token, outcome });
      expectProblem(r, 422, ['escaped-marker', token]);
      expect(errorPaths(r)).toEqual(['outcome']);
    }
  });

  it("wrong token → 403 (also another referral's token); nothing changes", async () => {
    const first = await receipt();
    const { referralId: other } = await create(referral());
    const otherMail = emailTo(await outbox(), ATTORNEY.email).find((m) => m.text.includes(`/outcome/${other}#token=`))!;
    const otherToken = /#token=([A-Za-z0-9_-]+)/.exec(otherMail.text.slice(otherMail.text.indexOf(`/outcome/${other}`)))![1];
    expectProblem(await call(rt, 'POST', `/api/referrals/${first.id}/outcome`, { token: otherToken, outcome: 'parole_denied' }), 403, [
      otherToken,
    ]);
    expectProblem(await call(rt, 'POST', `/api/referrals/${first.id}/outcome`, { token: 'A'.repeat(43), outcome: 'parole_denied' }), 403);
    // an offer token is not an outcome token either
    expect(await statusOf(first.id)).toBe('awaiting_review');
  });

  it('the outcome token and offer tokens are bound to their purpose', async () => {
    const now = await clockNow();
    await roster({ doctors: [ANA], coordinators: [LEE], shifts: [shift(now, 'd-ana')] });
    const { referralId } = await create(urgent());
    const mail = emailTo(await outbox(), ATTORNEY.email).find((m) => m.text.includes(`/outcome/${referralId}#token=`))!;
    expect(mail).toBeDefined();
    const outcomeToken = /#token=([A-Za-z0-9_-]+)/.exec(mail.text.slice(mail.text.indexOf(`/outcome/${referralId}`)))![1];
    const offer = await onlyOffer(ANA.phone);
    expectProblem(await offerPost(offer.offerId, 'accept', { token: outcomeToken }), 403, [outcomeToken]);
    expectProblem(await call(rt, 'POST', `/api/referrals/${referralId}/outcome`, { token: offer.token, outcome: 'parole_denied' }), 403, [
      offer.token,
    ]);
    expect(await statusOf(referralId)).toBe('paging');
  });

  it('expired (after 90 days) → 410', async () => {
    const { id, token } = await receipt();
    await advance(91 * 24 * 60);
    expectProblem(await call(rt, 'POST', `/api/referrals/${id}/outcome`, { token, outcome: 'parole_denied' }), 410, [token]);
    expect(await statusOf(id)).toBe('awaiting_review');
  }, 60_000);

  it('still valid after 89 days', async () => {
    const { id, token } = await receipt();
    await advance(89 * 24 * 60);
    const r = await call(rt, 'POST', `/api/referrals/${id}/outcome`, { token, outcome: 'transferred' });
    expect(r.status, r.text).toBe(200);
  }, 60_000);
});

// ==================================================================================================
// Local hooks
// ==================================================================================================

describe('local hooks', () => {
  it('/_local/outbox: sms {to, body, at} and email {to:[..], subject, text, html, at}, oldest first', async () => {
    const now = await clockNow();
    await roster({ doctors: [ANA, BOB], coordinators: [LEE], shifts: [shift(now, 'd-ana'), shift(now, 'd-bob', 'backup')] });
    await create(urgent());
    await advance(15);
    await create(urgent());
    const box = await outbox();
    expect(Object.keys(box).sort()).toEqual(['email', 'sms']);
    expect(box.sms.length).toBeGreaterThanOrEqual(3);
    expect(box.email.length).toBeGreaterThanOrEqual(3);
    for (const s of box.sms) {
      expect(Object.keys(s).sort()).toEqual(['at', 'body', 'to']);
      expect(typeof s.to).toBe('string');
      expect(typeof s.body).toBe('string');
      expect(Number.isNaN(Date.parse(s.at))).toBe(false);
    }
    for (const e of box.email) {
      expect(Object.keys(e).sort()).toEqual(['at', 'html', 'subject', 'text', 'to']);
      expect(Array.isArray(e.to)).toBe(true);
      for (const k of ['subject', 'text', 'html'] as const) expect(typeof e[k]).toBe('string');
      expect(Number.isNaN(Date.parse(e.at))).toBe(false);
    }
    const sorted = (xs: { at: string }[]) => xs.every((x, i) => i === 0 || Date.parse(xs[i - 1].at) <= Date.parse(x.at));
    expect(sorted(box.sms)).toBe(true);
    expect(sorted(box.email)).toBe(true);
    // the clock advanced by 15 minutes: later messages carry the app clock's time
    const last = box.sms[box.sms.length - 1];
    expect(Date.parse(last.at) - now.getTime()).toBeGreaterThanOrEqual(15 * MIN - 1000);
  });

  it('/_local/clock/advance → {now, fired:[{name, at}]} in time order; /_local/schedules → {items:[{name, at}]}', async () => {
    await roster({ doctors: [], coordinators: [LEE], shifts: [] });
    const t0 = await clockNow();
    const ids: string[] = [];
    for (const _ of [1, 2]) {
      const { referralId } = await create(referral());
      ids.push(referralId);
      const rel = await staff('POST', `/api/staff/referrals/${referralId}/release`, {
        releasedOn: ymdIn(t0),
        state: 'TX',
        patientPhone: '+15125550142',
        patientLanguage: 'en',
        smsConsent: true,
      });
      expect(rel.status).toBe(200);
    }
    const sr = await call(rt, 'GET', '/_local/schedules');
    expect(Object.keys(sr.json)).toEqual(['items']);
    for (const s of sr.json.items) {
      expect(Object.keys(s).sort()).toEqual(['at', 'name']);
      expect(Number.isNaN(Date.parse(s.at))).toBe(false);
    }
    expect(sr.json.items).toHaveLength(8);
    for (const id of ids) {
      for (const step of ['day1_coordinator', 'day3_patient', 'day7_coordinator', 'day30_coordinator']) {
        expect(
          sr.json.items.some((s: Json) => s.name.includes(id) && s.name.includes(step)),
          `${step} ${id}`,
        ).toBe(true);
      }
    }
    expect(sr.json.items.some((s: Json) => s.name === `rem-day3_patient-${ids[0]}`)).toBe(true);

    const r = await call(rt, 'POST', '/_local/clock/advance', { minutes: 10 * 24 * 60 });
    expect(r.status).toBe(200);
    expect(Object.keys(r.json).sort()).toEqual(['fired', 'now']);
    expect(Math.abs(Date.parse(r.json.now) - (t0.getTime() + 10 * 24 * 60 * MIN))).toBeLessThan(60_000);
    expect(r.json.fired).toHaveLength(6);
    for (const f of r.json.fired) expect(Object.keys(f).sort()).toEqual(['at', 'name']);
    const times = r.json.fired.map((f: Json) => Date.parse(f.at));
    for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThanOrEqual(times[i - 1]);
    expect((await schedules()).length).toBe(2);
    expect(Date.parse((await call(rt, 'GET', '/_local/clock')).json.now)).toBeGreaterThanOrEqual(Date.parse(r.json.now));
  });

  it('/_local/clock/advance returns when the fired handlers are done (no settle needed)', async () => {
    const now = await clockNow();
    await roster({ doctors: [ANA, BOB], coordinators: [LEE], shifts: [shift(now, 'd-ana'), shift(now, 'd-bob', 'backup')] });
    await create(urgent());
    const r = await call(rt, 'POST', '/_local/clock/advance', { minutes: 15 });
    expect(r.status).toBe(200);
    expect(r.json.fired.length).toBeGreaterThanOrEqual(1);
    const box = await outbox(); // no settle
    expect(offersTo(box, BOB.phone)).toHaveLength(1);
  });

  it('/_local/reset empties tables, outbox and schedules and resets the clock', async () => {
    const t0 = await clockNow();
    await roster({ doctors: [ANA], coordinators: [LEE], shifts: [shift(t0, 'd-ana')] });
    await create(urgent());
    await advance(60);
    const r = await call(rt, 'POST', '/_local/reset');
    expect(r.status).toBeLessThan(300);
    expect(await outbox()).toEqual({ sms: [], email: [] });
    expect(await schedules()).toEqual([]);
    expect(await list()).toEqual([]);
    const t1 = await clockNow();
    expect(t1.getTime() - t0.getTime()).toBeLessThan(30 * MIN);
  });

  it('/_local/settle returns', async () => {
    const r = await call(rt, 'POST', '/_local/settle');
    expect(r.status).toBeLessThan(300);
  });
});
