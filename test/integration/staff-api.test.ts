import { beforeEach, describe, expect, it } from 'vitest';
import { main as cli } from '../../cli/main.js';
import type { LocalRuntime } from '../../local/runtime.js';
import { validReferral } from '../fixtures/referral.js';
import { call, useTestRuntime } from '../support/runtime.js';
import {
  ANA,
  BEN,
  COORDINATORS,
  advance,
  codeFor,
  offerSms,
  outbox,
  chicagoDate,
  clockNow,
  deliveryEvent,
  plusDays,
  resetWith,
  sesBounce,
  settle,
  smsFailure,
  staffCall,
  staffToken,
  submit,
  submitUrgent,
  textIn,
} from './helpers.js';

let rt!: LocalRuntime;
useTestRuntime((started) => (rt = started));

const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

beforeEach(async () => {
  const now = (await clockNow(rt)).getTime();
  await resetWith(rt, {
    doctors: [ANA, { ...BEN, specialties: ['general', 'psychiatry'] }],
    coordinators: COORDINATORS,
    shifts: [{ doctorId: 'd-ana', role: 'primary', start: iso(now - HOUR), end: iso(now + 3 * 24 * HOUR) }],
  });
});

/** Every field error's path, in order. */
const paths = (r: { json: { errors?: { path: string }[] } }) => (r.json.errors ?? []).map((e) => e.path);

function expectProblem(r: { status: number; headers: Headers; json: any }, status: number) {
  expect(r.status).toBe(status);
  expect(r.headers.get('content-type')).toContain('application/problem+json');
  expect(r.json.status).toBe(status);
}

describe('staff API — auth on the new routes', () => {
  const routes: [string, string, unknown?][] = [
    ['POST', '/api/staff/referrals/MR-00000000/notes', { text: 'called the attorney' }],
    ['GET', '/api/staff/roster'],
    ['PUT', '/api/staff/roster', { doctors: [], coordinators: COORDINATORS, shifts: [] }],
    ['GET', '/api/staff/coverage?days=14'],
    ['GET', '/api/staff/metrics?from=2026-11-01&to=2026-11-30'],
    ['GET', '/api/staff/referrals.csv?from=2026-11-01&to=2026-11-30'],
  ];

  it.each(routes)(
    '%s %s answers 401 without a token, 401 with a forged one, 403 without the coordinators group',
    async (method, path, body) => {
      expectProblem(await call(rt, method, path, body), 401);
      expectProblem(await call(rt, method, path, body, { authorization: 'Bearer not.a.jwt' }), 401);
      expectProblem(await call(rt, method, path, body, { authorization: `Bearer ${await staffToken(rt, 'doctors')}` }), 403);
    },
  );

  it('changes nothing for a caller without the group', async () => {
    const before = await staffCall(rt, 'GET', '/api/staff/roster');
    const r = await call(
      rt,
      'PUT',
      '/api/staff/roster',
      { doctors: [], coordinators: COORDINATORS, shifts: [] },
      { authorization: `Bearer ${await staffToken(rt, 'doctors')}` },
    );
    expect(r.status).toBe(403);
    expect((await staffCall(rt, 'GET', '/api/staff/roster')).json).toEqual(before.json);
  });
});

describe('POST /api/staff/referrals/{id}/notes', () => {
  const note = (id: string, body: unknown) => staffCall(rt, 'POST', `/api/staff/referrals/${id}/notes`, body);
  const notesOf = async (id: string) =>
    (await staffCall(rt, 'GET', `/api/staff/referrals/${id}`)).json.timeline.filter((e: { event: string }) => e.event === 'note');

  it('answers 201 and puts the note on the timeline with who wrote it', async () => {
    const id = await submit(rt);

    const r = await note(id, { text: 'Called the attorney.\nFacility nurse to call back\tat 3pm.' });

    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({
      event: 'note',
      actor: 'staff:local-coordinator@localhost',
      details: { text: 'Called the attorney.\nFacility nurse to call back\tat 3pm.' },
    });
    expect(await notesOf(id)).toEqual([
      {
        at: r.json.at,
        event: 'note',
        actor: 'staff:local-coordinator@localhost',
        details: { text: 'Called the attorney.\nFacility nurse to call back\tat 3pm.' },
      },
    ]);
  });

  it('accepts 4000 characters, accented ones included', async () => {
    const id = await submit(rt);
    const text = `${'ñ'.repeat(3999)}é`;

    const r = await note(id, { text });

    expect(r.status).toBe(201);
    expect((await notesOf(id))[0].details.text).toBe(text);
  });

  it.each([
    ['missing', {}, 'text'],
    ['empty', { text: '' }, 'text'],
    ['only spaces', { text: '   \n ' }, 'text'],
    ['4001 characters', { text: 'a'.repeat(4001) }, 'text'],
    ['a control character', { text: 'ring the bell \u0007 now' }, 'text'],
    ['a lone carriage return', { text: 'line one\rline two' }, 'text'],
    ['a C1 control character', { text: 'next\u0085line' }, 'text'],
    ['not a string', { text: 42 }, 'text'],
    ['an unknown field', { text: 'fine', pin: true }, 'pin'],
  ])('answers 422 for a note %s and adds nothing', async (_, body, path) => {
    const id = await submit(rt);

    const r = await note(id, body);

    expectProblem(r, 422);
    expect(paths(r)).toEqual([path]);
    expect(r.text).not.toContain('ring the bell');
    expect(await notesOf(id)).toEqual([]);
  });

  it('answers 404 for an unknown case, 415 for a body that is not JSON, 400 for broken JSON', async () => {
    expectProblem(await note('MR-00000000', { text: 'hello' }), 404);
    const id = await submit(rt);
    const token = await staffToken(rt);
    expectProblem(
      await call(rt, 'POST', `/api/staff/referrals/${id}/notes`, 'text=hello', {
        authorization: `Bearer ${token}`,
        'content-type': 'application/x-www-form-urlencoded',
      }),
      415,
    );
    expectProblem(await call(rt, 'POST', `/api/staff/referrals/${id}/notes`, '{"text":', { authorization: `Bearer ${token}` }), 400);
    expect(await notesOf(id)).toEqual([]);
  });
});

describe('GET and PUT /api/staff/roster', () => {
  it('answers the roster as imported, each doctor with the channels that cannot be used', async () => {
    await deliveryEvent(rt, smsFailure(BEN.phone));
    await deliveryEvent(rt, sesBounce(BEN.email));
    await deliveryEvent(rt, sesBounce(ANA.email));

    const r = await staffCall(rt, 'GET', '/api/staff/roster');

    expect(r.status).toBe(200);
    const byId = Object.fromEntries(r.json.doctors.map((d: { id: string }) => [d.id, d]));
    expect(byId['d-ana']).toEqual({ ...ANA, unusable: ['email'] });
    expect(byId['d-ben']).toEqual({ ...BEN, specialties: ['general', 'psychiatry'], unusable: ['sms', 'email'] });
    expect(r.json.coordinators).toEqual(expect.arrayContaining(COORDINATORS));
    expect(r.json.coordinators).toHaveLength(2);
    expect(r.json.shifts).toEqual([{ doctorId: 'd-ana', role: 'primary', start: expect.any(String), end: expect.any(String) }]);
  });

  it('imports a valid roster (200, counts) that the next GET answers', async () => {
    const doc = {
      doctors: [{ ...BEN, active: false }],
      coordinators: [COORDINATORS[0]],
      shifts: [{ doctorId: 'd-ben', role: 'backup', start: '2026-11-28T08:00:00-06:00', end: '2026-11-29T08:00:00-06:00' }],
    };

    const r = await staffCall(rt, 'PUT', '/api/staff/roster', doc);

    expect(r.status).toBe(200);
    expect(r.json).toEqual({ ok: true, doctors: 1, coordinators: 1, shifts: 1 });
    const after = (await staffCall(rt, 'GET', '/api/staff/roster')).json;
    expect(after.doctors).toEqual([{ ...BEN, active: false, unusable: [] }]);
    expect(after.coordinators).toEqual([COORDINATORS[0]]);
    expect(after.shifts).toEqual([
      { doctorId: 'd-ben', role: 'backup', start: '2026-11-28T14:00:00.000Z', end: '2026-11-29T14:00:00.000Z' },
    ]);
  });

  it('answers 422 with every error and changes nothing when any entry is bad', async () => {
    const before = (await staffCall(rt, 'GET', '/api/staff/roster')).json;
    const doc = {
      doctors: [
        { ...ANA, phone: 'not a phone' },
        { ...BEN, id: 'd-ana' },
      ],
      coordinators: COORDINATORS,
      shifts: [
        { doctorId: 'd-nobody', role: 'primary', start: '2026-11-28T08:00:00-06:00', end: '2026-11-29T08:00:00-06:00' },
        { doctorId: 'd-ana', role: 'primary', start: '2026-11-29T08:00:00-06:00', end: '2026-11-28T08:00:00-06:00' },
      ],
    };

    const r = await staffCall(rt, 'PUT', '/api/staff/roster', doc);

    expectProblem(r, 422);
    expect(paths(r).sort()).toEqual(['doctors.0.phone', 'doctors.1.id', 'shifts.0.doctorId', 'shifts.1.end'].sort());
    expect(r.text).not.toContain('not a phone');
    expect((await staffCall(rt, 'GET', '/api/staff/roster')).json).toEqual(before);
  });

  it('answers 422 for a body that is not a roster document, and 415 for one that is not JSON', async () => {
    expectProblem(await staffCall(rt, 'PUT', '/api/staff/roster', [1, 2]), 422);
    expectProblem(await staffCall(rt, 'PUT', '/api/staff/roster', { doctors: [], shifts: [] }), 422);
    const r = await call(rt, 'PUT', '/api/staff/roster', 'doctors: []', {
      authorization: `Bearer ${await staffToken(rt)}`,
      'content-type': 'text/yaml',
    });
    expectProblem(r, 415);
    expect((await staffCall(rt, 'GET', '/api/staff/roster')).json.doctors).toHaveLength(2);
  });
});

describe('GET /api/staff/coverage', () => {
  it('answers the gaps per specialty over the next 14 days, the same as the CLI roster check', async () => {
    const now = (await clockNow(rt)).getTime();
    // Ana (general) covers the first two days; Ben (general + psychiatry) days 3-4 as primary, day 5-6 only as backup
    const shifts = [
      { doctorId: 'd-ana', role: 'primary', start: iso(now - HOUR), end: iso(now + 48 * HOUR) },
      { doctorId: 'd-ben', role: 'primary', start: iso(now + 48 * HOUR), end: iso(now + 96 * HOUR) },
      { doctorId: 'd-ben', role: 'backup', start: iso(now + 96 * HOUR), end: iso(now + 144 * HOUR) },
      { doctorId: 'd-ana', role: 'primary', start: iso(now + 144 * HOUR), end: iso(now + 20 * 24 * HOUR) },
    ];
    expect(
      (
        await staffCall(rt, 'PUT', '/api/staff/roster', {
          doctors: [ANA, { ...BEN, specialties: ['general', 'psychiatry'] }],
          coordinators: COORDINATORS,
          shifts,
        })
      ).status,
    ).toBe(200);

    const r = await staffCall(rt, 'GET', '/api/staff/coverage?days=14');

    expect(r.status).toBe(200);
    const from = Date.parse(r.json.from);
    expect(Math.abs(from - now)).toBeLessThan(60_000);
    // 14 calendar days in Chicago: 336 hours, give or take the DST hour
    expect([335, 336, 337]).toContain((Date.parse(r.json.to) - from) / HOUR);
    expect(r.json.gaps).toEqual([
      { start: r.json.from, end: iso(now + 48 * HOUR), specialty: 'psychiatry' },
      { start: iso(now + 96 * HOUR), end: iso(now + 144 * HOUR), specialty: 'general' },
      { start: iso(now + 96 * HOUR), end: r.json.to, specialty: 'psychiatry' },
    ]);

    // the CLI, against the same table, reports the same gaps (its own "now" differs by the test's run time)
    const out: string[] = [];
    const code = await cli(
      ['roster', 'check', '--table', 'medreview', '--endpoint', rt.dynamoEndpoint, '--time-zone', 'America/Chicago'],
      (l) => out.push(l),
      (l) => out.push(l),
    );
    expect(code).toBe(1);
    expect(out).toContain(`gap: no primary on shift for general from ${iso(now + 96 * HOUR)} to ${iso(now + 144 * HOUR)}`);
    expect(out.filter((l) => l.startsWith('gap: ')).map((l) => l.split(' ')[6])).toEqual(['psychiatry', 'general', 'psychiatry']);
  });

  it('defaults to 14 days and reads other lengths', async () => {
    const r14 = await staffCall(rt, 'GET', '/api/staff/coverage');
    const r2 = await staffCall(rt, 'GET', '/api/staff/coverage?days=2');
    expect(r14.status).toBe(200);
    expect(Math.round((Date.parse(r14.json.to) - Date.parse(r14.json.from)) / (24 * HOUR))).toBe(14);
    expect(r2.json.to.slice(0, 10) <= r14.json.to.slice(0, 10)).toBe(true);
    expect(Math.round((Date.parse(r2.json.to) - Date.parse(r2.json.from)) / HOUR)).toBe(48);
    // Ana covers 3 days from an hour ago: general is covered for 2 days, psychiatry (Ben) never
    expect(r2.json.gaps).toEqual([{ start: r2.json.from, end: r2.json.to, specialty: 'psychiatry' }]);
  });

  it.each(['0', '91', 'abc', '1.5', '-3', ''])('answers 422 at days for days=%s', async (days) => {
    const r = await staffCall(rt, 'GET', `/api/staff/coverage?days=${days}`);
    expectProblem(r, 422);
    expect(paths(r)).toEqual(['days']);
  });
});

describe('GET /api/staff/metrics and /api/staff/referrals.csv', () => {
  /** Two cases today (one urgent, accepted 12 minutes after submit, then closed), one routine a week later. */
  async function programOfTwoWeeks() {
    const today = chicagoDate(await clockNow(rt));
    const urgent = await submitUrgent(rt);
    const routine = await submit(rt, { client: { aNumber: 'A987654321' } });
    await advance(rt, 12);
    const code = codeFor(offerSms(await outbox(rt), ANA.phone, urgent).body);
    expect((await textIn(rt, ANA.phone, `YES ${code}`))[0].body).toMatch(/you accepted case/);
    await settle(rt);
    expect((await staffCall(rt, 'POST', `/api/staff/referrals/${urgent}/close`, { outcome: 'care_established' })).status).toBe(200);
    await advance(rt, 7 * 24 * 60);
    const later = await submit(rt, { client: { aNumber: 'A555444333' } });
    const laterDay = chicagoDate(await clockNow(rt));
    return { today, laterDay, urgent, routine, later };
  }

  it('counts by week, urgency and status, times submit to accept and counts outcomes', async () => {
    const { today, laterDay } = await programOfTwoWeeks();

    const r = await staffCall(rt, 'GET', `/api/staff/metrics?from=${today}&to=${laterDay}`);

    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ from: today, to: laterDay, timeZone: 'America/Chicago', total: 3 });
    const weeks = r.json.weeks as { weekStart: string; total: number; urgency: Record<string, number>; status: Record<string, number> }[];
    expect(weeks.map((w) => w.total)).toEqual([2, 1]);
    expect(weeks[0].weekStart <= today && today < plusDays(weeks[0].weekStart, 7)).toBe(true);
    expect(new Date(`${weeks[0].weekStart}T00:00:00Z`).getUTCDay()).toBe(1); // Monday
    expect(weeks[1].weekStart).toBe(plusDays(weeks[0].weekStart, 7));
    expect(weeks[0].urgency).toEqual({ urgent: 1, routine: 1 });
    expect(weeks[0].status).toMatchObject({ closed: 1, awaiting_review: 1, paging: 0 });
    expect(weeks[1].urgency).toEqual({ urgent: 0, routine: 1 });
    expect(r.json.timeToAccept.urgent).toEqual({ accepted: 1, medianMinutes: expect.any(Number), p90Minutes: expect.any(Number) });
    expect(r.json.timeToAccept.urgent.medianMinutes).toBeGreaterThanOrEqual(12);
    expect(r.json.timeToAccept.urgent.medianMinutes).toBeLessThan(12.5);
    expect(r.json.timeToAccept.routine).toEqual({ accepted: 0, medianMinutes: null, p90Minutes: null });
    expect(r.json.timeToAccept.all.accepted).toBe(1);
    expect(r.json.outcomes).toEqual({ parole_granted: 0, parole_denied: 0, transferred: 0, removed: 0, withdrawn: 0, care_established: 1 });

    const firstDayOnly = await staffCall(rt, 'GET', `/api/staff/metrics?from=${today}&to=${today}`);
    expect(firstDayOnly.json.total).toBe(2);
    expect(firstDayOnly.json.weeks).toHaveLength(1);
    const before = await staffCall(rt, 'GET', `/api/staff/metrics?from=${plusDays(today, -30)}&to=${plusDays(today, -1)}`);
    expect(before.json.total).toBe(0);
    expect(before.json.weeks.length).toBeGreaterThanOrEqual(5);
  });

  it('answers the same cases as CSV, with no names, A-numbers or medical text', async () => {
    const { today, laterDay, urgent, routine, later } = await programOfTwoWeeks();

    const r = await staffCall(rt, 'GET', `/api/staff/referrals.csv?from=${today}&to=${laterDay}`);

    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
    expect(r.headers.get('content-disposition')).toBe(`attachment; filename="medreview-referrals-${today}-to-${laterDay}.csv"`);
    const lines = r.text.trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'referral_id,submitted_at,submitted_date,week_start,urgency,reasons,status,hold_reason,accepted_at,minutes_to_accept,closed_at,outcome,released_on,first_handoff_at,days_to_handoff,care_established_at',
    );
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual([urgent, routine, later]);
    const urgentRow = lines[1].split(',');
    expect(urgentRow.slice(2)).toEqual([
      today,
      expect.any(String),
      'urgent',
      'attorney_marked_urgent',
      'closed',
      '',
      expect.any(String),
      expect.any(String),
      expect.any(String),
      'care_established',
      '',
      '',
      '',
      expect.any(String),
    ]);
    expect(Number(urgentRow[9])).toBeGreaterThanOrEqual(12);
    const referral = validReferral();
    for (const phi of [
      referral.client.givenName,
      referral.client.familyName,
      '123456789',
      '987654321',
      referral.client.dateOfBirth,
      referral.custody.facilityName,
      referral.medical.concern,
      referral.attorney.name,
      referral.attorney.email,
    ]) {
      expect(r.text).not.toContain(phi);
    }

    const metrics = await staffCall(rt, 'GET', `/api/staff/metrics?from=${today}&to=${laterDay}`);
    expect(lines).toHaveLength(metrics.json.total + 1);
  });

  it('answers a header row only for a range without cases', async () => {
    const r = await staffCall(rt, 'GET', '/api/staff/referrals.csv?from=2020-01-01&to=2020-01-31');
    expect(r.status).toBe(200);
    expect(r.text.trimEnd().split('\r\n')).toHaveLength(1);
  });

  it.each([
    ['', ['from', 'to']],
    ['from=2026-11-01', ['to']],
    ['from=2026-02-30&to=2026-03-10', ['from']],
    ['from=2026-11-01&to=11/30/2026', ['to']],
    ['from=2026-11-01T00:00:00Z&to=2026-11-30', ['from']],
    ['from=2026-11-30&to=2026-11-01', ['to']],
    ['from=2025-01-01&to=2026-01-02', ['to']],
  ])('answers 422 naming the bad parameters for ?%s', async (query, expected) => {
    for (const path of ['/api/staff/metrics', '/api/staff/referrals.csv']) {
      const r = await staffCall(rt, 'GET', `${path}?${query}`);
      expectProblem(r, 422);
      expect(paths(r)).toEqual(expected);
    }
  });

  it('takes a full year (366 days)', async () => {
    const r = await staffCall(rt, 'GET', '/api/staff/metrics?from=2024-01-01&to=2024-12-31');
    expect(r.status).toBe(200);
    expect(r.json.weeks).toHaveLength(53);
  });
});

describe('the CLI roster check reads the program time zone', () => {
  it('exits 2 for an unknown time zone', async () => {
    const err: string[] = [];
    const code = await cli(
      ['roster', 'check', '--table', 'medreview', '--endpoint', rt.dynamoEndpoint, '--time-zone', 'Mars/Olympus'],
      () => undefined,
      (l) => err.push(l),
    );
    expect(code).toBe(2);
    expect(err.join('\n')).toMatch(/time zone/);
  });
});
