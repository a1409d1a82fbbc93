import { beforeEach, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.js';
import { useTestRuntime } from '../support/runtime.js';
import {
  ANA,
  BEN,
  COORDINATORS,
  caseOf,
  chicagoDate,
  clockNow,
  codeFor,
  emailTo,
  offerSms,
  outbox,
  pagedByEmail,
  pagedBySms,
  resetWith,
  sentSince,
  shiftAround,
  smsTo,
  staffCall,
  submitUrgent,
  textIn,
} from './helpers.js';

let rt!: LocalRuntime;
useTestRuntime((started) => (rt = started));

beforeEach(async () => {
  const now = await clockNow(rt);
  await resetWith(rt, { doctors: [ANA, BEN], coordinators: COORDINATORS, shifts: [shiftAround(now, 'd-ana'), shiftAround(now, 'd-ben')] });
});

/** An urgent case paged to Ana and Ben; Ana's reply code for it. */
async function pagedCase() {
  const id = await submitUrgent(rt);
  return { id, code: codeFor(offerSms(await outbox(rt), ANA.phone, id).body) };
}

/** Sends an SMS as `from`; checks that every reply also went out through the SMS outbox. */
async function text(from: string, body: string) {
  const before = await outbox(rt);
  const replies = await textIn(rt, from, body);
  const sent = (await sentSince(rt, before)).sms.map(({ to, body: b }) => ({ to, body: b }));
  for (const reply of replies) expect(sent).toContainEqual(reply);
  expect(replies.length).toBeGreaterThan(0);
  return replies;
}

const offerState = async (id: string, doctorId = 'd-ana') => (await rt.deps.store.getOffer(id, doctorId))?.state;

describe('accepting by SMS', () => {
  const forms = ['YES {c}', 'Y {c}', 'ACCEPT {c}', 'SI {c}', 'SÍ {c}', 'sí {c}', '{c} YES', 'yes, {c}!', '  Yes   {c} .', 'Accept: #{c}'];

  it.each(forms)('accepts the offer on "%s" and says so', async (form) => {
    const { id, code } = await pagedCase();

    const replies = await text(ANA.phone, form.replace('{c}', code));

    expect(replies).toEqual([{ to: ANA.phone, body: expect.stringContaining(`you accepted case ${id}`) }]);
    expect(await caseOf(rt, id)).toMatchObject({ status: 'assigned', assignedDoctorId: 'd-ana' });
  });

  it('reads the sender number in any common format', async () => {
    const { id, code } = await pagedCase();

    const replies = await text('(512) 555-0101', `YES ${code}`);

    expect(replies[0].body).toContain(`you accepted case ${id}`);
    expect((await caseOf(rt, id))?.assignedDoctorId).toBe('d-ana');
  });

  it('accepts a bare YES when the sender has exactly one open offer', async () => {
    const { id } = await pagedCase();

    const replies = await text(ANA.phone, 'yes');

    expect(replies[0].body).toContain(`you accepted case ${id}`);
    expect((await caseOf(rt, id))?.assignedDoctorId).toBe('d-ana');
  });

  it('asks for the code on a bare YES when the sender has two open offers, and accepts neither', async () => {
    const first = await pagedCase();
    const second = await pagedCase();

    const replies = await text(ANA.phone, 'YES');

    expect(replies).toEqual([{ to: ANA.phone, body: expect.stringMatching(/several open offers.*4-digit code/) }]);
    expect((await caseOf(rt, first.id))?.status).toBe('paging');
    expect((await caseOf(rt, second.id))?.status).toBe('paging');
    expect(first.code).not.toBe(second.code);
  });

  it('says there is nothing to accept on a bare YES without open offers', async () => {
    const replies = await text(ANA.phone, 'YES');

    expect(replies).toEqual([{ to: ANA.phone, body: expect.stringContaining('no open offers') }]);
  });

  it('does not count the offer of a case released before anyone accepted as open, so a bare YES takes the new case', async () => {
    const released = await pagedCase();
    const release = await staffCall(rt, 'POST', `/api/staff/referrals/${released.id}/release`, {
      releasedOn: chicagoDate(await clockNow(rt)),
      state: 'TX',
      patientLanguage: 'es',
      smsConsent: false,
    });
    expect(release.status).toBe(200);
    const fresh = await pagedCase();

    const replies = await text(ANA.phone, 'YES');

    expect(replies[0].body).toContain(`you accepted case ${fresh.id}`);
    expect((await caseOf(rt, fresh.id))?.assignedDoctorId).toBe('d-ana');
  });

  it('tells a doctor who answers late that another doctor took the case', async () => {
    const { id, code } = await pagedCase();
    const benCode = codeFor(offerSms(await outbox(rt), BEN.phone, id).body);
    await text(BEN.phone, `YES ${benCode}`);

    const replies = await text(ANA.phone, `YES ${code}`);

    expect(replies[0].body).toContain(`case ${id} was already accepted by another doctor`);
    expect((await caseOf(rt, id))?.assignedDoctorId).toBe('d-ben');

    // the case file's timeline says who was paged, who took it and who answered too late
    const { json } = await staffCall(rt, 'GET', `/api/staff/referrals/${id}`);
    const byDoctor = (json.timeline as { event: string; actor?: string; details?: Record<string, unknown> }[])
      .filter((e) => e.actor?.startsWith('doctor:'))
      .map((e) => [e.event, e.actor, e.details]);
    expect(byDoctor).toEqual(
      expect.arrayContaining([
        ['paged', 'doctor:d-ana', { wave: 1, sms: 'sent', email: 'sent' }],
        ['paged', 'doctor:d-ben', { wave: 1, sms: 'sent', email: 'sent' }],
        ['accepted', 'doctor:d-ben', { wave: 1 }],
        ['replied', 'doctor:d-ana', { reply: 'yes', result: 'taken', wave: 1 }],
      ]),
    );
    expect(byDoctor).toHaveLength(4);
    const at = (json.timeline as { at: string }[]).map((e) => e.at);
    expect(at).toEqual([...at].sort());
  });

  it('answers a code the sender does not have without changing anything', async () => {
    const { id, code } = await pagedCase();
    const other = code === '1000' ? '1001' : '1000';

    const replies = await text(ANA.phone, `YES ${other}`);

    expect(replies[0].body).toContain(`no open offer has code ${other}`);
    expect((await caseOf(rt, id))?.status).toBe('paging');
  });
});

describe('declining by SMS', () => {
  it.each(['NO {c}', 'N {c}', 'DECLINE {c}', 'no. {c}', '{c} no'])('declines the offer on "%s" and says so', async (form) => {
    const { id, code } = await pagedCase();

    const replies = await text(ANA.phone, form.replace('{c}', code));

    expect(replies).toEqual([{ to: ANA.phone, body: expect.stringContaining(`you declined case ${id}`) }]);
    expect(await offerState(id)).toBe('declined');
    expect(await offerState(id, 'd-ben')).toBe('open');
    expect((await caseOf(rt, id))?.status).toBe('paging');
  });

  it('does not let a declined offer be accepted afterwards by its code', async () => {
    const { id, code } = await pagedCase();
    await text(ANA.phone, `NO ${code}`);

    const replies = await text(ANA.phone, `YES ${code}`);

    expect(replies[0].body).toContain(`offer for case ${id} is closed`);
    expect((await caseOf(rt, id))?.status).toBe('paging');
  });
});

describe('help, stop and anything else', () => {
  it('explains how to answer on HELP', async () => {
    const { id } = await pagedCase();

    const replies = await text(ANA.phone, 'HELP');

    expect(replies).toEqual([{ to: ANA.phone, body: expect.stringMatching(/YES <code>.*NO <code>/) }]);
    expect(await offerState(id)).toBe('open');
  });

  it.each(['maybe later', 'YES 12', 'YES 1234 5678', 'OK', '👍'])('answers "%s" with help and changes nothing', async (body) => {
    const { id } = await pagedCase();
    const before = await outbox(rt);

    const replies = await text(ANA.phone, body);

    expect(replies).toEqual([{ to: ANA.phone, body: expect.stringMatching(/YES <code>/) }]);
    expect(await offerState(id)).toBe('open');
    expect((await caseOf(rt, id))?.status).toBe('paging');
    const sent = await sentSince(rt, before);
    expect(sent.email).toEqual([]);
    expect(sent.sms).toHaveLength(1);
  });

  it('answers an unknown number with help and changes nothing', async () => {
    const { id, code } = await pagedCase();

    const replies = await text('+15125550177', `YES ${code}`);

    expect(replies).toEqual([{ to: '+15125550177', body: expect.stringMatching(/YES <code>/) }]);
    expect((await caseOf(rt, id))?.status).toBe('paging');
  });

  it('opts the number out on STOP: later pages to that doctor go by email only, and the coordinators are told', async () => {
    const before = await outbox(rt);

    const replies = await text(ANA.phone, 'STOP');

    expect(replies).toEqual([{ to: ANA.phone, body: expect.stringContaining('no more SMS') }]);
    const told = (await sentSince(rt, before)).email;
    for (const c of COORDINATORS)
      expect(
        emailTo({ sms: [], email: told }, c.email).some((m) => m.text.includes(ANA.name)),
        c.id,
      ).toBe(true);

    const id = await submitUrgent(rt);
    const box = await outbox(rt);
    expect(pagedBySms(box, id)).toEqual([BEN.phone]);
    expect(pagedByEmail(box, id)).toEqual([ANA.email, BEN.email]);
    expect(smsTo(await sentSince(rt, before), ANA.phone).map((m) => m.body)).toEqual([replies[0].body]);
  });

  it('turns SMS back on after START', async () => {
    await text(ANA.phone, 'STOP');

    const replies = await text(ANA.phone, 'START');

    expect(replies[0].body).toContain('SMS are on again');
    const id = await submitUrgent(rt);
    expect(pagedBySms(await outbox(rt), id)).toEqual([ANA.phone, BEN.phone]);
  });

  it.each(['unsubscribe', 'Cancel', 'QUIT', 'end'])('treats the carrier opt-out word "%s" as STOP', async (word) => {
    await text(ANA.phone, word);

    const id = await submitUrgent(rt);

    expect(pagedBySms(await outbox(rt), id)).toEqual([BEN.phone]);
  });
});
