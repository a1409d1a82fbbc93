import { beforeEach, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.js';
import { main } from '../../cli/main.js';
import { clinicEntry } from '../fixtures/clinic.js';
import { useTestRuntime } from '../support/runtime.js';
import {
  ANA,
  COORDINATORS,
  advanceTo,
  caseOf,
  chicagoDate,
  clockNow,
  emailTo,
  nineAmChicago,
  outbox,
  plusDays,
  resetWith,
  schedules,
  sentSince,
  shiftAround,
  smsTo,
  staffCall,
  submit,
  textIn,
} from './helpers.js';

let rt!: LocalRuntime;
useTestRuntime((started) => (rt = started));

const PATIENT = '+15125550150';
const LEE = COORDINATORS[0]!.email;
const RIVERSIDE = clinicEntry({ id: 'riverside', name: 'Riverside Community Health', email: 'intake@riverside.example.org' });
const EASTSIDE = clinicEntry({
  id: 'eastside',
  name: 'Eastside Free Clinic',
  address: { line1: '1150 Airport Blvd', city: 'Austin', state: 'TX', zip: '78702' },
  cost: 'free',
  email: 'hello@eastside.example.org',
});
const HOUSTON = clinicEntry({
  id: 'gulfton',
  name: 'Gulfton Family Health',
  address: { line1: '5800 Bissonnet St', city: 'Houston', state: 'TX', zip: '77081' },
  email: undefined,
});
const PAID = clinicEntry({
  id: 'westlake',
  name: 'Westlake Medical',
  cost: 'insured_only',
  acceptsUninsured: false,
  address: { line1: '1 Bee Cave Rd', city: 'Austin', state: 'TX', zip: '78746' },
});

beforeEach(async () => {
  const now = await clockNow(rt);
  await resetWith(rt, { doctors: [ANA], coordinators: COORDINATORS, shifts: [shiftAround(now, 'd-ana')] });
  const put = await staffCall(rt, 'PUT', '/api/staff/clinics', { clinics: [RIVERSIDE, EASTSIDE, HOUSTON, PAID] });
  expect(put.status, JSON.stringify(put.json)).toBe(200);
});

const releaseBody = async (overrides: Record<string, unknown> = {}) => ({
  releasedOn: chicagoDate(await clockNow(rt)),
  state: 'TX',
  city: 'Austin',
  patientPhone: '(512) 555-0150',
  patientLanguage: 'es',
  smsConsent: true,
  zip: '78741',
  needs: ['primary_care'],
  ...overrides,
});

async function released(overrides: Record<string, unknown> = {}): Promise<string> {
  const id = await submit(rt);
  const response = await staffCall(rt, 'POST', `/api/staff/referrals/${id}/release`, await releaseBody(overrides));
  expect(response.status, JSON.stringify(response.json)).toBe(200);
  return id;
}
const handOff = (id: string, clinicId: string, extra: Record<string, unknown> = {}) =>
  staffCall(rt, 'POST', `/api/staff/referrals/${id}/handoff`, { clinicId, shareDocumentIds: [], ...extra });
const timelineEvents = async (id: string): Promise<string[]> =>
  (await staffCall(rt, 'GET', `/api/staff/referrals/${id}`)).json.timeline.map((e: { event: string }) => e.event);
/** The subjects of the care notices among `box`'s emails to the coordinator. */
const careNotices = (box: Awaited<ReturnType<typeof outbox>>) =>
  emailTo(box, LEE)
    .map((m) => m.subject)
    .filter((s) => s.startsWith('Care after release'));

describe('the clinic directory', () => {
  it('refuses a directory with any bad clinic, listing every error (an unknown ZIP too), and changes nothing', async () => {
    const bad = {
      clinics: [
        clinicEntry({ id: 'a', address: { ...RIVERSIDE.address, zip: '00000' } }),
        clinicEntry({ id: 'a', cost: 'cheap' as never }),
      ],
    };

    const dry = await staffCall(rt, 'PUT', '/api/staff/clinics?dryRun=true', bad);
    const put = await staffCall(rt, 'PUT', '/api/staff/clinics', bad);

    for (const response of [dry, put]) {
      expect(response.status).toBe(422);
      expect(response.json.errors).toEqual([
        { path: 'clinics.1.cost', message: 'must be one of: free, sliding_scale, insured_only' },
        { path: 'clinics.0.address.zip', message: 'is not a known US ZIP code' },
        { path: 'clinics.1.id', message: 'is used twice' },
      ]);
    }
    const listed = await staffCall(rt, 'GET', '/api/staff/clinics');
    expect(listed.json.clinics.map((c: { id: string }) => c.id)).toEqual(['eastside', 'gulfton', 'riverside', 'westlake']);
  });

  it('checks without changing anything on a dry run, and lists the directory as imported', async () => {
    const dry = await staffCall(rt, 'PUT', '/api/staff/clinics?dryRun=true', { clinics: [RIVERSIDE] });
    expect(dry.json).toEqual({ ok: true, clinics: 1, active: 1, dryRun: true });
    const listed = await staffCall(rt, 'GET', '/api/staff/clinics');
    expect(listed.status).toBe(200);
    expect(listed.json.clinics).toHaveLength(4);
    expect(listed.json.clinics.find((c: { id: string }) => c.id === 'riverside')).toEqual(RIVERSIDE);
  });

  it('imports and checks through the CLI against the same table', async () => {
    const lines: string[] = [];
    const file = `${process.env.TMPDIR ?? '/tmp'}/clinics-${process.pid}.json`;
    const { writeFile } = await import('node:fs/promises');
    await writeFile(file, JSON.stringify({ clinics: [RIVERSIDE, { ...EASTSIDE, address: { ...EASTSIDE.address, zip: '99999' } }] }));
    const args = ['--table', 'medreview', '--endpoint', rt.dynamoEndpoint];
    expect(
      await main(
        ['clinics', 'import', file, ...args],
        (s) => lines.push(s),
        (s) => lines.push(s),
      ),
    ).toBe(2);
    expect(lines).toContain('  clinics.1.address.zip: is not a known US ZIP code');
    await writeFile(file, JSON.stringify({ clinics: [RIVERSIDE] }));
    expect(
      await main(
        ['clinics', 'import', file, ...args],
        (s) => lines.push(s),
        (s) => lines.push(s),
      ),
    ).toBe(0);
    expect(
      await main(
        ['clinics', 'check', ...args],
        (s) => lines.push(s),
        (s) => lines.push(s),
      ),
    ).toBe(0);
    expect(lines.slice(-2)).toEqual(['imported 1 clinics (1 active)', 'ok: 1 clinics, 1 active']);
  });
});

describe('clinics ranked for a released patient', () => {
  it('lists active clinics within the radius that meet every need, free and sliding first for the uninsured, with reasons', async () => {
    const id = await released();

    const ranked = await staffCall(rt, 'GET', `/api/staff/referrals/${id}/clinics?radiusMiles=50`);

    expect(ranked.status).toBe(200);
    expect(ranked.json.zip).toBe('78741');
    expect(ranked.json.clinics.map((c: { id: string }) => c.id)).toEqual(['riverside', 'eastside']);
    expect(ranked.json.clinics[0]).toMatchObject({
      name: RIVERSIDE.name,
      why: ['speaks es', 'sliding scale', 'accepts uninsured', 'primary_care'],
    });
    expect(ranked.json.clinics[0].distanceMiles).toBeLessThan(ranked.json.clinics[1].distanceMiles);
    const wide = await staffCall(rt, 'GET', `/api/staff/referrals/${id}/clinics?radiusMiles=200`);
    expect(wide.json.clinics.map((c: { id: string }) => c.id)).toEqual(['riverside', 'eastside', 'gulfton']);
  });

  it('ranks for the insured by distance alone, and answers 409 without a ZIP and 422 for a bad radius', async () => {
    const id = await released({ insured: true });
    expect((await staffCall(rt, 'GET', `/api/staff/referrals/${id}/clinics`)).json.clinics.map((c: { id: string }) => c.id)).toEqual([
      'riverside',
      'eastside',
      'westlake',
    ]);
    expect((await staffCall(rt, 'GET', `/api/staff/referrals/${id}/clinics?radiusMiles=0`)).status).toBe(422);
    const noZip = await released({ zip: undefined });
    const answer = await staffCall(rt, 'GET', `/api/staff/referrals/${noZip}/clinics`);
    expect(answer.status).toBe(409);
    // recording the release again adds where the patient goes
    await staffCall(rt, 'POST', `/api/staff/referrals/${noZip}/release`, await releaseBody({ zip: '77081' }));
    expect((await staffCall(rt, 'GET', `/api/staff/referrals/${noZip}/clinics`)).json.clinics.map((c: { id: string }) => c.id)).toEqual([
      'gulfton',
    ]);
  });
});

describe('handoff and check-ins', () => {
  it('release → handoff → check-ins at day 3, 10 and 30 → care established, on the local stack with the clock advanced', async () => {
    const id = await released();
    const before = await outbox(rt);

    // handoff: the patient's SMS in Spanish with the clinic's details, the clinic's email by referral id
    const response = await handOff(id, 'riverside');
    expect(response.status, JSON.stringify(response.json)).toBe(200);
    const handoffAt = await clockNow(rt);
    const day = chicagoDate(handoffAt);
    expect(response.json).toMatchObject({ patientSms: 'sent', clinicEmail: 'sent', interpreterNeeded: false, sharedDocuments: [] });
    expect(response.json.checkIns).toEqual(
      [3, 10, 30, 33].map((d) => ({ step: `checkin_day${d}_h1`, dueAt: nineAmChicago(plusDays(day, d)) })),
    );
    const sent = await sentSince(rt, before);
    const [sms] = smsTo(sent, PATIENT);
    expect(sms?.body).toContain('Su clínica: Riverside Community Health, 2100 E Riverside Dr, Austin, TX 78741. Llame al (512) 555-0140');
    expect(sms?.body).not.toContain(id);
    const [clinicMail] = emailTo(sent, 'intake@riverside.example.org');
    expect(clinicMail?.subject).toBe(`New patient referral ${id} from medreview`);
    expect(clinicMail?.text).toContain('Shared documents: none');
    // the check-ins replace the release's day-3 SMS
    const names = await schedules(rt);
    expect(names).not.toContain(`rem-day3_patient-${id}`);
    expect(names).toEqual(expect.arrayContaining([3, 10, 30, 33].map((d) => `rem-checkin_day${d}_h1-${id}`)));

    // day 3: the check-in; the patient answers 2 → one coordinator email that day
    let mark = await outbox(rt);
    await advanceTo(rt, new Date(nineAmChicago(plusDays(day, 3))));
    let since = await sentSince(rt, mark);
    expect(smsTo(since, PATIENT).map((m) => m.body)).toEqual([
      'medreview: Responda 1 si tiene cita en la clínica o ya lo atendieron, 2 si necesita ayuda. Responda STOP para no recibir más mensajes.',
    ]);
    expect(await textIn(rt, PATIENT, '2')).toEqual([
      { to: PATIENT, body: 'medreview: Gracias. Una persona del programa le llamará pronto.' },
    ]);
    expect(await textIn(rt, PATIENT, ' 2. ')).toHaveLength(1);
    since = await sentSince(rt, mark);
    expect(careNotices(since)).toEqual([`Care after release: case ${id} asked for help`]);

    // day 10: asked again; no answer by day 30 → the coordinators hear of the silence; day 30 asked
    await advanceTo(rt, new Date(nineAmChicago(plusDays(day, 10))));
    mark = await outbox(rt);
    await advanceTo(rt, new Date(nineAmChicago(plusDays(day, 30))));
    since = await sentSince(rt, mark);
    expect(smsTo(since, PATIENT)).toHaveLength(1);
    expect(emailTo(since, LEE).map((m) => m.subject)).toContain(
      `Care after release: case ${id} has not answered the check-in checkin_day10_h1`,
    );

    // day 30: 1 → care established, for a coordinator to confirm by closing
    expect((await textIn(rt, PATIENT, '1'))[0]?.body).toBe('medreview: Gracias. Nos alegra que ya tenga atención médica.');
    const record = await caseOf(rt, id);
    expect(record).toMatchObject({ status: 'released', careEstablishedAt: expect.any(String) });
    expect(await timelineEvents(id)).toEqual(
      expect.arrayContaining(['handoff', 'checkin_sent', 'checkin_reply', 'care_established_reported']),
    );
    since = await sentSince(rt, mark);
    expect(careNotices(since)).toContain(`Care after release: case ${id} care established: please confirm`);
    // metrics and CSV: handed over on the day of release, care established within 30 days; no PHI
    const range = `from=${day}&to=${plusDays(day, 30)}`;
    const metrics = await staffCall(rt, 'GET', `/api/staff/metrics?${range}`);
    expect(metrics.json.care).toEqual({
      released: 1,
      handoffWithin7Days: { count: 1, share: 1 },
      careEstablishedWithin30Days: { count: 1, share: 1 },
      medianDaysToHandoff: 0,
    });
    const csv = (await staffCall(rt, 'GET', `/api/staff/referrals.csv?${range}`)).text;
    expect(csv.trimEnd().split('\r\n')[1]!.split(',').slice(-4)).toEqual([day, response.json.handoff.at, '0', record!.careEstablishedAt]);
    for (const phi of [PATIENT, '5550150', 'Riverside', '78741']) expect(csv).not.toContain(phi);
    const closed = await staffCall(rt, 'POST', `/api/staff/referrals/${id}/close`, { outcome: 'care_established' });
    expect(closed.json).toEqual({ status: 'closed' });
    expect((await schedules(rt)).filter((n) => n.endsWith(id))).toEqual([]);
    // after closing, a reply is no longer a check-in answer
    expect((await textIn(rt, PATIENT, '1'))[0]?.body).not.toContain('Gracias');
  });

  it('a second handoff supersedes the first: its check-ins replace the earlier ones; the same clinic again sends nothing', async () => {
    const id = await released();
    await handOff(id, 'riverside');
    const mark = await outbox(rt);
    const again = await handOff(id, 'riverside');
    expect(again.json).toMatchObject({ patientSms: 'not_repeated', clinicEmail: 'not_repeated', handoff: { number: 1 } });
    expect((await sentSince(rt, mark)).sms).toEqual([]);

    const second = await handOff(id, 'eastside');

    // the patient already got the first clinic's SMS today: one patient SMS a day, so the coordinators call instead
    expect(second.json).toMatchObject({ supersedes: 'riverside', handoff: { number: 2, clinicId: 'eastside' }, patientSms: 'daily_limit' });
    expect((await caseOf(rt, id))?.handoff).toMatchObject({ clinicId: 'eastside', number: 2 });
    const names = (await schedules(rt)).filter((n) => n.includes('checkin'));
    expect(names.sort()).toEqual([3, 10, 30, 33].map((d) => `rem-checkin_day${d}_h2-${id}`).sort());
  });

  it('refuses shared documents (not available yet), an unknown clinic, and a case not released', async () => {
    const id = await released();
    const docs = await handOff(id, 'riverside', { shareDocumentIds: ['doc-1'] });
    expect(docs.status).toBe(422);
    expect(docs.json.errors).toEqual([
      { path: 'shareDocumentIds', message: 'must be empty: case documents are not available in medreview yet, so none can be shared' },
    ]);
    expect((await handOff(id, 'nowhere')).json.errors).toEqual([{ path: 'clinicId', message: 'is not an active clinic of the directory' }]);
    const open = await submit(rt);
    expect((await handOff(open, 'riverside')).status).toBe(409);
    expect((await caseOf(rt, id))?.handoff).toBeUndefined();
  });

  it('sends English to a language without a template and asks the coordinators to call with an interpreter; STOP ends the check-ins', async () => {
    const id = await released({ patientLanguage: 'quc' });
    const mark = await outbox(rt);
    const response = await handOff(id, 'gulfton');
    expect(response.json).toMatchObject({ interpreterNeeded: true, patientSms: 'sent', clinicEmail: 'no_address' });
    const sent = await sentSince(rt, mark);
    expect(smsTo(sent, PATIENT)[0]?.body).toMatch(/^medreview: Your clinic: Gulfton Family Health/);
    const [notice] = emailTo(sent, LEE);
    expect(notice?.text).toContain('Call the patient with an interpreter');
    expect(notice?.text).toContain('call the clinic at +15125550140');

    await textIn(rt, PATIENT, 'STOP');
    const day = chicagoDate(await clockNow(rt));
    const quiet = await outbox(rt);
    await advanceTo(rt, new Date(nineAmChicago(plusDays(day, 10))));
    expect(smsTo(await sentSince(rt, quiet), PATIENT)).toEqual([]);
    expect(await timelineEvents(id)).toContain('checkin_skipped');
  });

  it('answers a 1 from a number with no handoff as any unknown message, not as a check-in', async () => {
    const replies = await textIn(rt, '+15125550177', '1');
    expect(replies).toHaveLength(1);
    expect(replies[0]?.body).toMatch(/^medreview: reply YES/);
  });
});
