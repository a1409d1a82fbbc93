import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.js';
import { useDeps, type Deps } from '../../shared/deps.js';
import type { EmailPort, SchedulerPort, SmsPort } from '../../shared/ports.js';
import { sendReceipt } from '../../shared/usecases/receipt.js';
import { caseRecord } from '../fixtures/case.js';
import { parsedReferral, validReferral } from '../fixtures/referral.js';
import { call, useTestRuntime, attorneyCall } from '../support/runtime.js';
import {
  advance,
  clockNow,
  COORDINATORS,
  emailTo,
  numberedDoctor,
  outbox,
  resetWith,
  schedules,
  settle,
  shiftAround,
  smsTo,
} from './helpers.js';

let rt!: LocalRuntime;
useTestRuntime((started) => (rt = started));

const ANA = numberedDoctor(1);
const ATTORNEY = validReferral().attorney.email;

beforeEach(async () => {
  const now = await clockNow(rt);
  await resetWith(rt, { doctors: [ANA], coordinators: COORDINATORS, shifts: [shiftAround(now, ANA.id)] });
});
afterEach(() => useDeps(rt.deps));

/** Runs the handlers with some ports replaced, as an outage of that service would. */
function withPorts(ports: Partial<Pick<Deps, 'email' | 'scheduler' | 'sms'>>): void {
  useDeps({ ...rt.deps, ...ports });
}

async function postUrgent(): Promise<string> {
  const response = await attorneyCall(rt, 'POST', '/api/referrals', validReferral({ medical: { attorneyUrgency: 'urgent' } }));
  expect(response.status).toBe(201);
  return response.json.referralId;
}

describe('a failing service never costs a page', () => {
  it('pages the doctors while the receipt email is refused, and the sweeper sends the receipt later, once', async () => {
    const refusing: EmailPort = {
      send: async (m) => {
        if (m.to.includes(ATTORNEY)) throw new Error('MessageRejected');
        return rt.deps.email.send(m);
      },
    };
    withPorts({ email: refusing });

    const id = await postUrgent();
    await settle(rt);

    let box = await outbox(rt);
    expect(smsTo(box, ANA.phone).filter((m) => m.body.includes(id))).toHaveLength(1);
    expect(emailTo(box, ATTORNEY)).toHaveLength(0);
    expect((await rt.deps.store.getCase(id))?.receipt).not.toBe('sent');

    useDeps(rt.deps);
    await advance(rt, 5);
    await call(rt, 'POST', '/_local/sweeper');
    await call(rt, 'POST', '/_local/sweeper');

    box = await outbox(rt);
    expect(emailTo(box, ATTORNEY).filter((m) => m.subject.includes(id))).toHaveLength(1);
    expect(smsTo(box, ANA.phone).filter((m) => m.body.includes(id))).toHaveLength(1);
  });

  it('resumes a wave whose run failed after it was claimed, and pages its doctors once', async () => {
    let failures = 1;
    const flaky: SchedulerPort = {
      create: async (...args) => {
        if (failures-- > 0) throw new Error('ThrottlingException');
        return rt.deps.scheduler.create(...args);
      },
      delete: (name) => rt.deps.scheduler.delete(name),
    };
    withPorts({ scheduler: flaky });

    const id = await postUrgent();
    await settle(rt);

    const box = await outbox(rt);
    expect(smsTo(box, ANA.phone).filter((m) => m.body.includes(id))).toHaveLength(1);
    expect(await schedules(rt)).toContain(`wave2-${id}`);
    expect((await rt.deps.store.getCase(id))?.wave).toBe(1);
  });

  it('pages the coordinators of an escalated case whose final wave failed mid-way', async () => {
    await resetWith(rt, { doctors: [], coordinators: COORDINATORS, shifts: [] });
    let failures = 1;
    const flaky: EmailPort = {
      send: async (m) => {
        if (m.subject.startsWith('URGENT: no doctor') && failures-- > 0) throw new Error('Throttling');
        return rt.deps.email.send(m);
      },
    };
    withPorts({ email: flaky });

    const id = await postUrgent();
    await settle(rt);

    const box = await outbox(rt);
    for (const c of COORDINATORS) {
      expect(smsTo(box, c.phone).filter((m) => m.body.includes(id)).length).toBeGreaterThanOrEqual(1);
      expect(emailTo(box, c.email).filter((m) => m.subject === `URGENT: no doctor for case ${id}`)).toHaveLength(1);
    }
    expect((await rt.deps.store.getCase(id))?.escalationSentAt).toBeDefined();
  });
});

/** An SMS port whose sends to `phone` fail as a throttle past the SDK's retries does, while `failing` says so. */
function refusingSmsTo(phone: string, state: { failing: boolean }): SmsPort {
  return {
    send: async (to, body) => {
      if (to === phone && state.failing) throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
      return rt.deps.sms.send(to, body);
    },
  };
}

const deadLetters = async () => (await call(rt, 'GET', '/_local/dead-letters')).json.items as { lane: string; referralId?: string }[];
const escalationSmsTo = async (phone: string, id: string) =>
  smsTo(await outbox(rt), phone).filter((m) => m.body.includes(id) && /no doctor/.test(m.body));

describe('a coordinator escalation page that fails every retry', () => {
  const [lee, max] = COORDINATORS;

  it('from the urgent lane: parks the record with the dead letters, leaves the case for the sweeper, which pages only the coordinator missed', async () => {
    await resetWith(rt, { doctors: [], coordinators: COORDINATORS, shifts: [] });
    const state = { failing: true };
    withPorts({ sms: refusingSmsTo(lee.phone, state) });

    const id = await postUrgent();
    await settle(rt);

    expect(await escalationSmsTo(lee.phone, id)).toHaveLength(0);
    expect(await escalationSmsTo(max.phone, id)).toHaveLength(1);
    expect(emailTo(await outbox(rt), max.email).filter((m) => m.subject === `URGENT: no doctor for case ${id}`)).toHaveLength(1);
    const record = await rt.deps.store.getCase(id);
    expect(record).toMatchObject({ status: 'escalated' });
    expect(record?.escalationSentAt).toBeUndefined();
    expect(await deadLetters()).toContainEqual(expect.objectContaining({ lane: 'urgent', referralId: id }));

    state.failing = false;
    await advance(rt, 5);
    await call(rt, 'POST', '/_local/sweeper');
    await call(rt, 'POST', '/_local/sweeper');

    expect(await escalationSmsTo(lee.phone, id)).toHaveLength(1);
    expect(await escalationSmsTo(max.phone, id)).toHaveLength(1);
    expect(emailTo(await outbox(rt), lee.email).filter((m) => m.subject === `URGENT: no doctor for case ${id}`)).toHaveLength(1);
    expect((await rt.deps.store.getCase(id))?.escalationSentAt).toBeDefined();
  });

  it('from a wave schedule: the timer run is retried, then parked with the dead letters, and later schedules still fire', async () => {
    const state = { failing: true };
    withPorts({ sms: refusingSmsTo(lee.phone, state) });

    const id = await postUrgent();
    await settle(rt);
    expect(smsTo(await outbox(rt), ANA.phone).filter((m) => m.body.includes(id))).toHaveLength(1);

    // wave 2 reaches nobody new, so the final wave runs in the same timer run
    const advanced = await call(rt, 'POST', '/_local/clock/advance', { minutes: 16 });

    expect(advanced.status).toBe(200);
    expect(advanced.json.fired.map((f: { name: string }) => f.name)).toContain(`wave2-${id}`);
    expect(await escalationSmsTo(lee.phone, id)).toHaveLength(0);
    expect(await escalationSmsTo(max.phone, id)).toHaveLength(1);
    expect((await rt.deps.store.getCase(id))?.escalationSentAt).toBeUndefined();
    expect(await deadLetters()).toContainEqual(expect.objectContaining({ lane: 'timer', referralId: id }));

    state.failing = false;
    await advance(rt, 5);
    await call(rt, 'POST', '/_local/sweeper');

    expect(await escalationSmsTo(lee.phone, id)).toHaveLength(1);
    expect(await escalationSmsTo(max.phone, id)).toHaveLength(1);
    expect((await rt.deps.store.getCase(id))?.escalationSentAt).toBeDefined();
  });
});

describe('nothing is done twice', () => {
  it('sends one receipt when two senders race for it', async () => {
    // a stored case whose dispatch has not run (its stream record passed by), so no receipt was sent yet
    const id = 'MR-RACE0001';
    const createdAt = (await clockNow(rt)).toISOString();
    await rt.writeUndispatched(async () => {
      await rt.deps.store.createCase(
        caseRecord({ referralId: id, status: 'awaiting_review', urgency: 'routine', reasons: [], createdAt, referral: parsedReferral() }),
      );
    });
    const before = emailTo(await outbox(rt), ATTORNEY).length;

    await Promise.all([1, 2, 3].map(() => sendReceipt(id, { ...rt.deps, baseUrl: rt.url })));

    expect(emailTo(await outbox(rt), ATTORNEY).length - before).toBe(1);
  });

  it('creates no offer for a case that was closed meanwhile', async () => {
    const id = await postUrgent();
    await settle(rt);
    await rt.deps.store.closeCase(id, 'withdrawn', (await clockNow(rt)).toISOString());
    const offer = (await rt.deps.store.listOffers(id))[0];

    const result = await rt.deps.store.createOffer({ ...offer, offerId: 'another-offer', doctorId: 'd-99', code: '1234' }, 0);

    expect(result).toBe('closed');
    expect(await rt.deps.store.getOfferById('another-offer')).toBeUndefined();
  });
});
