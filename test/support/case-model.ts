import fc from 'fast-check';
import { expect } from 'vitest';
import { CaseClosedError, CaseStateError } from '../../shared/domain/errors.js';
import { jobFor, type Job, type Lane } from '../../shared/domain/lanes.js';
import { coordinatorReminderText, REMINDER_PLAN } from '../../shared/domain/reminders.js';
import { OPEN_FOR_OFFERS, type Release, type Status } from '../../shared/domain/types.js';
import type { TimerEvent } from '../../shared/ports.js';
import type { StorePort } from '../../shared/store/port.js';
import { JOBS } from '../../shared/usecases/dispatch.js';
import { submitReferral } from '../../shared/usecases/intake.js';
import { acceptOffer, declineOffer } from '../../shared/usecases/offers.js';
import { runWave } from '../../shared/usecases/paging.js';
import { closeCase, recordRelease, sendReminder } from '../../shared/usecases/release.js';
import { approveCase } from '../../shared/usecases/trust.js';
import { parsedReferral, TODAY } from '../fixtures/referral.js';
import { coordinatorEntry, doctorEntry, parsedRoster, shiftEntry } from '../fixtures/roster.js';
import { fakeKeyedHash, testPorts, type TestPorts } from './fakes.js';

/**
 * A model-based test of one case's state machine: fast-check draws a case (urgent or routine, from a
 * trusted or an unknown submitter) and a random sequence of what can happen to it — stream records
 * delivered (and delivered again), approve, accept, decline, release, close, the clock moving (schedules
 * fire) and a schedule firing again — and runs it through the use cases on a real store with fake
 * email, SMS and scheduler. A small reference model says what each step must answer and what the case's
 * status must be; after every step the invariants are checked: one winner, no page after release or
 * close, reminders only while released, nothing sent twice, only legal status changes.
 */

const DOCTORS = [
  doctorEntry({ id: 'd-ana', email: 'ana@example.org', phone: '+15125550101' }),
  doctorEntry({ id: 'd-ben', name: 'Dr. Ben Ortiz', email: 'ben@example.org', phone: '+15125550102' }),
  doctorEntry({ id: 'd-cy', name: 'Dr. Cy Wu', email: 'cy@example.org', phone: '+15125550103' }),
];
const ROSTER = parsedRoster({
  doctors: DOCTORS,
  coordinators: [coordinatorEntry()],
  shifts: [shiftEntry(), shiftEntry({ doctorId: 'd-ben' }), shiftEntry({ doctorId: 'd-cy', role: 'backup' })],
});
const PATIENT = '+15125550177';
const RELEASE: Release = { releasedOn: TODAY, state: 'TX', patientPhone: PATIENT, patientLanguage: 'es', smsConsent: true };

/** Every status change the case may make (and staying put). */
const LEGAL: Record<Status, Status[]> = {
  awaiting_verification: ['paging', 'awaiting_review', 'held', 'released', 'closed'],
  held: ['paging', 'awaiting_review', 'released', 'closed'],
  paging: ['escalated', 'assigned', 'held', 'released', 'closed'],
  awaiting_review: ['assigned', 'released', 'closed'],
  escalated: ['assigned', 'released', 'closed'],
  assigned: ['released', 'closed'],
  released: ['closed'],
  closed: [],
};

export interface Model {
  status: Status;
  urgent: boolean;
  /** A new attorney's routine case, in review but set aside (no offers) until a coordinator approves it. */
  setAside?: boolean;
  winner?: string;
  /** Doctor pages (offer SMS and emails) and reminders counted when paging, or everything, had to stop. */
  pagesWhenStopped?: number;
  remindersWhenClosed?: number;
}

export interface Real {
  p: TestPorts;
  id: string;
  /** Stream jobs not delivered yet, and those delivered (a replay repeats one). */
  pending: { lane: Lane; job: Job }[];
  delivered: { lane: Lane; job: Job }[];
  fired: TimerEvent[];
  lastStatus: Status;
}

type Command = fc.AsyncCommand<Model, Real>;

const pages = (r: Real) =>
  r.p.outbox.sms.sent.filter((m) => /\bYES \d{4}\b/.test(m.body)).length +
  r.p.outbox.email.sent.filter((e) => e.text.includes('/offers/')).length;
const reminderTexts = (id: string) => new Set(REMINDER_PLAN.map((s) => coordinatorReminderText(s.step, id)));
const reminders = (r: Real) => {
  const texts = reminderTexts(r.id);
  return r.p.outbox.sms.sent.filter((m) => m.to === PATIENT || texts.has(m.body)).length;
};

/** The stream records a status change makes, as the lanes would route them (`shared/domain/lanes.ts`). */
function streamJobs(from: Status | undefined, to: Status): { lane: Lane; job: Job }[] {
  if (from === to) return [];
  const record = {
    eventName: from ? 'MODIFY' : 'INSERT',
    dynamodb: {
      Keys: { sk: { S: 'REF' } },
      NewImage: { status: { S: to } },
      ...(from ? { OldImage: { status: { S: from } } } : {}),
    },
  };
  return (['urgent', 'routine'] as const).flatMap((lane) => {
    const job = jobFor(lane, record);
    return job ? [{ lane, job }] : [];
  });
}

/** After each step: the model's status (a final wave may escalate by itself) and the invariants. */
async function observe(m: Model, r: Real): Promise<void> {
  const record = (await r.p.store.getCase(r.id))!;
  if (m.status === 'paging' && record.status === 'escalated') m.status = 'escalated';
  expect(record.status, 'the status the model expects').toBe(m.status);
  if (record.status !== r.lastStatus) {
    expect(LEGAL[r.lastStatus], `${r.lastStatus} → ${record.status}`).toContain(record.status);
    r.pending.push(...streamJobs(r.lastStatus, record.status));
    r.lastStatus = record.status;
  }
  // one winner
  const accepted = (await r.p.store.listOffers(r.id)).filter((o) => o.state === 'accepted');
  expect(accepted.map((o) => o.doctorId)).toEqual(m.winner ? [m.winner] : []);
  if (m.winner && (record.status === 'assigned' || record.status === 'released' || record.status === 'closed')) {
    expect(record.assignedDoctorId).toBe(m.winner);
  }
  // no page once released or closed; no reminder once closed
  if (m.status === 'released' || m.status === 'closed') {
    m.pagesWhenStopped ??= pages(r);
    expect(pages(r), 'doctor pages after release or close').toBe(m.pagesWhenStopped);
  }
  if (m.status === 'closed') {
    m.remindersWhenClosed ??= reminders(r);
    expect(reminders(r), 'reminders after close').toBe(m.remindersWhenClosed);
  }
  // nothing sent twice
  const sms = r.p.outbox.sms.sent.map((s) => `${s.to}\n${s.body}`);
  expect(sms.length, 'an SMS sent twice').toBe(new Set(sms).size);
  const email = r.p.outbox.email.sent.map((e) => `${e.to.join()}\n${e.subject}\n${e.text}`);
  expect(email.length, 'an email sent twice').toBe(new Set(email).size);
}

const step = (name: string, check: (m: Readonly<Model>) => boolean, run: (m: Model, r: Real) => Promise<void>): Command => ({
  check,
  async run(m, r) {
    await run(m, r);
    await observe(m, r);
  },
  toString: () => name,
});

const always = () => true;

function deliver(replay: boolean, pick: number): Command {
  return step(replay ? `replay stream record #${pick}` : 'deliver the next stream record', always, async (_m, r) => {
    const list = replay ? r.delivered : r.pending;
    if (!list.length) return;
    const record = replay ? list[pick % list.length] : list.shift()!;
    if (!replay) r.delivered.push(record);
    await JOBS[record.job](r.id, r.p);
  });
}

function accept(doctor: number): Command {
  const doctorId = DOCTORS[doctor].id;
  return step(`accept by ${doctorId}`, always, async (m, r) => {
    const offer = await r.p.store.getOffer(r.id, doctorId);
    if (!offer) return;
    const outcome = await acceptOffer(offer, r.p);
    const expected =
      offer.state === 'accepted' || m.winner === doctorId
        ? 'already_yours'
        : m.winner
          ? 'taken'
          : offer.state === 'open' && OPEN_FOR_OFFERS.includes(m.status)
            ? 'accepted'
            : 'closed';
    expect(outcome, `accept by ${doctorId} in ${m.status}`).toBe(expected);
    if (outcome === 'accepted') {
      m.winner = doctorId;
      m.status = 'assigned';
    }
  });
}

function decline(doctor: number): Command {
  const doctorId = DOCTORS[doctor].id;
  return step(`decline by ${doctorId}`, always, async (m, r) => {
    const offer = await r.p.store.getOffer(r.id, doctorId);
    if (!offer) return;
    const outcome = await declineOffer(offer, undefined, r.p);
    const expected = m.winner === doctorId ? 'accepted' : offer.state === 'open' ? 'declined' : 'closed';
    expect(outcome, `decline by ${doctorId} of a ${offer.state} offer`).toBe(expected);
  });
}

const approve = step('approve', always, async (m, r) => {
  const setAside = m.setAside === true && m.status === 'awaiting_review';
  const waiting = m.status === 'awaiting_verification' || m.status === 'held' || setAside;
  const run = approveCase(r.id, 'staff:lee', r.p);
  if (!waiting) return void (await expect(run).rejects.toBeInstanceOf(CaseStateError));
  expect(await run).toEqual({ status: m.urgent ? 'paging' : 'awaiting_review' });
  m.status = m.urgent ? 'paging' : 'awaiting_review';
  m.setAside = false;
  // the hold dropped without a status change: the routine lane's rule for it (shared/domain/lanes.ts)
  if (setAside) r.pending.push({ lane: 'routine', job: 'admitted' });
});

const release = step('release', always, async (m, r) => {
  const run = recordRelease(r.id, RELEASE, 'staff:lee', r.p);
  if (m.status === 'closed') return void (await expect(run).rejects.toBeInstanceOf(CaseClosedError));
  expect((await run).status).toBe('released');
  m.status = 'released';
});

const close = step('close', always, async (m, r) => {
  expect(await closeCase(r.id, 'withdrawn', 'staff:lee', r.p)).toEqual({ status: 'closed' });
  m.status = 'closed';
});

/** What the timer function does with a schedule's event. */
async function fire(event: TimerEvent, r: Real): Promise<void> {
  if (event.kind === 'wave') await runWave(event.referralId, event.wave, r.p);
  else if (event.kind === 'reminder') await sendReminder(event.referralId, event.step, r.p);
}

function advance(minutes: number): Command {
  return step(`advance ${minutes} min`, always, async (_m, r) => {
    r.p.clock.advance(minutes);
    const now = r.p.clock.now().getTime();
    const due = [...r.p.scheduler.schedules.entries()].filter(([, s]) => s.at.getTime() <= now).sort(([, a], [, b]) => +a.at - +b.at);
    for (const [name, { event }] of due) {
      if (!r.p.scheduler.schedules.has(name)) continue; // an earlier one deleted it
      r.p.scheduler.schedules.delete(name); // deleted after completion, as EventBridge Scheduler's `at()` schedules
      const before = reminders(r);
      const status = (await r.p.store.getCase(r.id))!.status;
      await fire(event, r);
      r.fired.push(event);
      if (reminders(r) > before) expect(status, 'a reminder went out while the case was not released').toBe('released');
    }
  });
}

function refire(pick: number): Command {
  return step(`fire schedule #${pick} again`, always, async (_m, r) => {
    if (!r.fired.length) return;
    const event = r.fired[pick % r.fired.length];
    const before = reminders(r);
    await fire(event, r);
    expect(reminders(r), 'a schedule fired again sent its reminder again').toBe(before);
  });
}

const doctor = fc.integer({ min: 0, max: DOCTORS.length - 1 });
const pick = fc.nat(20);

/** The commands, weighted towards the stream, the doctors and the clock (release and close end the story). */
export const commands = [
  ...Array.from({ length: 4 }, () => fc.constant(deliver(false, 0))),
  ...Array.from({ length: 2 }, () => pick.map((i) => deliver(true, i))),
  ...Array.from({ length: 3 }, () => doctor.map(accept)),
  ...Array.from({ length: 3 }, () => doctor.map(decline)),
  ...Array.from({ length: 2 }, () => fc.constant(approve)),
  ...Array.from({ length: 3 }, () => fc.constantFrom(1, 15, 16, 24 * 60, 10 * 24 * 60).map(advance)),
  ...Array.from({ length: 2 }, () => pick.map(refire)),
  fc.constant(release),
  fc.constant(close),
];

export const caseKinds = fc.record({ urgent: fc.boolean(), trusted: fc.boolean() });

/** Submits the case through the intake use case on `store` and hands back the model and the real system. */
export async function setup(store: StorePort, kind: { urgent: boolean; trusted: boolean }): Promise<{ model: Model; real: Real }> {
  const p = await testPorts({ roster: ROSTER, store });
  if (kind.trusted) await p.store.putTrusted({ domain: 'example.org', addedBy: 'staff:lee', addedAt: p.clock.now().toISOString() });
  const referral = parsedReferral({ medical: { attorneyUrgency: kind.urgent ? 'urgent' : 'routine' } });
  const { referralId, status } = await submitReferral(referral, TODAY, { ...p, keyedHash: fakeKeyedHash });
  // a new attorney's case is held (urgent) or set aside in review (routine); either answers as review
  const stored: Status = kind.urgent ? (kind.trusted ? 'paging' : 'held') : 'awaiting_review';
  expect(status).toBe(kind.trusted && kind.urgent ? 'paging' : 'awaiting_review');
  return {
    model: { status: stored, urgent: kind.urgent, setAside: !kind.trusted && !kind.urgent },
    real: { p, id: referralId, pending: streamJobs(undefined, stored), delivered: [], fired: [], lastStatus: stored },
  };
}
