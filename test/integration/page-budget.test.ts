import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.js';
import { useDeps } from '../../shared/deps.js';
import { call, useTestRuntime } from '../support/runtime.js';
import {
  advance,
  ANA,
  BEN,
  caseOf,
  clockNow,
  COORDINATORS,
  emailTo,
  outbox,
  pagedBySms,
  resetWith,
  sentSince,
  settle,
  shiftAround,
  smsTo,
  staffCall,
  submitUrgent,
} from './helpers.js';

/** The hourly page budget, lowered to 5 as `PAGE_BUDGET_PER_HOUR=5 npm start` would. */

let rt!: LocalRuntime;
useTestRuntime((started) => (rt = started), {
  limits: { PAGE_BUDGET_PER_HOUR: 5, URGENT_PER_SUBMITTER_PER_DAY: 50, URGENT_PER_DOMAIN_PER_DAY: 50 },
});

beforeEach(async () => {
  const now = await clockNow(rt);
  await resetWith(rt, { doctors: [ANA], coordinators: COORDINATORS, shifts: [shiftAround(now, ANA.id)] });
});

afterEach(() => useDeps(rt.deps));

const pagesSent = async () => (await outbox(rt)).sms.filter((m) => /\bYES \d{4}\b/.test(m.body));

describe('the page budget', () => {
  it('does not send the 6th page in an hour: the case is held and the coordinators are paged once', async () => {
    const paged: string[] = [];
    for (let i = 0; i < 5; i++) paged.push(await submitUrgent(rt));
    expect(await pagesSent()).toHaveLength(5);
    const before = await outbox(rt);

    const sixth = await submitUrgent(rt);
    const seventh = await submitUrgent(rt);

    const sent = await sentSince(rt, before);
    expect(pagedBySms(sent, sixth)).toEqual([]);
    expect(pagedBySms(sent, seventh)).toEqual([]);
    expect(await pagesSent()).toHaveLength(5);
    for (const id of [sixth, seventh]) expect(await caseOf(rt, id)).toMatchObject({ status: 'held', holdReason: 'page_budget' });
    for (const c of COORDINATORS) {
      const sms = smsTo(sent, c.phone);
      expect(sms).toHaveLength(1);
      expect(sms[0].body).toMatch(/page budget/);
      expect(emailTo(sent, c.email).filter((m) => /Page budget reached/.test(m.subject))).toHaveLength(1);
    }
    const held = await staffCall(rt, 'GET', '/api/staff/referrals?status=held');
    expect(held.json.items.map((i: { holdReason: string }) => i.holdReason)).toEqual(['page_budget', 'page_budget']);
  });

  it('pages a held case when a coordinator approves it, and budgets again once the hour has passed', async () => {
    for (let i = 0; i < 5; i++) await submitUrgent(rt);
    const held = await submitUrgent(rt);
    expect((await caseOf(rt, held))?.status).toBe('held');

    const approved = await staffCall(rt, 'POST', `/api/staff/referrals/${held}/approve`);
    await settle(rt);

    expect(approved.json).toEqual({ status: 'paging' });
    expect(pagedBySms(await outbox(rt), held)).toEqual([ANA.phone]);

    await advance(rt, 61);
    const before = await outbox(rt);
    const later = await submitUrgent(rt);
    expect(pagedBySms(await sentSince(rt, before), later)).toEqual([ANA.phone]);
    // the coordinators' page about the budget went out once in the first hour, not for the approved case
    expect(smsTo(await outbox(rt), COORDINATORS[0].phone).filter((m) => /page budget/.test(m.body))).toHaveLength(1);
  });

  it('holds a whole wave that would exceed it (two doctors, one page left)', async () => {
    const now = await clockNow(rt);
    await resetWith(rt, { doctors: [ANA, BEN], coordinators: COORDINATORS, shifts: [shiftAround(now, ANA.id), shiftAround(now, BEN.id)] });
    for (let i = 0; i < 2; i++) await submitUrgent(rt);
    expect(await pagesSent()).toHaveLength(4);

    const third = await submitUrgent(rt);

    expect(pagedBySms(await outbox(rt), third)).toEqual([]);
    expect(await caseOf(rt, third)).toMatchObject({ status: 'held', holdReason: 'page_budget' });
  });

  it('a coordinator page about the hold that fails every retry: parked with the dead letters, then sent by the sweeper to that coordinator only', async () => {
    for (let i = 0; i < 5; i++) await submitUrgent(rt);
    const [lee, max] = COORDINATORS;
    let failing = true;
    useDeps({
      ...rt.deps,
      sms: {
        send: async (to, body) => {
          if (to === lee.phone && failing) throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
          return rt.deps.sms.send(to, body);
        },
      },
    });
    const budgetSmsTo = async (phone: string) => smsTo(await outbox(rt), phone).filter((m) => /page budget/.test(m.body));

    const held = await submitUrgent(rt);

    expect(await caseOf(rt, held)).toMatchObject({ status: 'held', holdReason: 'page_budget' });
    expect(await budgetSmsTo(lee.phone)).toHaveLength(0);
    expect(await budgetSmsTo(max.phone)).toHaveLength(1);
    expect((await rt.deps.store.getCase(held))?.budgetAlertAt).toBeUndefined();
    const parked = (await call(rt, 'GET', '/_local/dead-letters')).json.items;
    expect(parked).toContainEqual(expect.objectContaining({ lane: 'urgent', referralId: held }));

    failing = false;
    await advance(rt, 5);
    await call(rt, 'POST', '/_local/sweeper');
    await call(rt, 'POST', '/_local/sweeper');

    expect(await budgetSmsTo(lee.phone)).toHaveLength(1);
    expect(await budgetSmsTo(max.phone)).toHaveLength(1);
    for (const c of COORDINATORS)
      expect(emailTo(await outbox(rt), c.email).filter((m) => /Page budget reached/.test(m.subject))).toHaveLength(1);
    expect((await rt.deps.store.getCase(held))?.budgetAlertAt).toBeDefined();
    // a case held later in the hour is not another alert
    const later = await submitUrgent(rt);
    expect((await rt.deps.store.getCase(later))?.budgetAlertAt).toBeDefined();
    expect(await budgetSmsTo(max.phone)).toHaveLength(1);
  });

  it('holds under concurrent waves: never more pages than the budget in a rolling hour', async () => {
    const at = await clockNow(rt);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => rt.deps.store.takePageBudget(`case-${i}#1`, 1, 5, at)));
    expect(results.filter(Boolean)).toHaveLength(5);
    // a repeated reservation (a resumed wave) is not counted twice
    expect(await rt.deps.store.takePageBudget('case-0#1', 1, 5, at)).toBe(results[0]);
    expect(await rt.deps.store.takePageBudget('case-x#1', 1, 5, new Date(at.getTime() + 3_600_001))).toBe(true);
  });
});
