import { beforeEach, describe, expect, it } from 'vitest';
import { CaseStateError } from '../../shared/domain/errors.js';
import { hashToken } from '../../shared/tokens.js';
import { reportOutcome } from '../../shared/usecases/outcome.js';
import { caseRecord } from '../fixtures/case.js';
import { coordinatorEntry, parsedRoster } from '../fixtures/roster.js';
import { testPorts, type TestPorts } from '../support/fakes.js';

const LEE = coordinatorEntry();
const TOKEN = 'outcome-token';
const ID = caseRecord().referralId;

let p: TestPorts;
beforeEach(async () => {
  p = await testPorts({ roster: parsedRoster({ coordinators: [LEE] }) });
  await p.store.createCase(
    caseRecord({ status: 'awaiting_review', outcomeTokenHash: hashToken(TOKEN), outcomeTokenExpiresAt: '2026-08-01T00:00:00.000Z' }),
  );
});

describe('reporting an outcome through the link', () => {
  it('records it once: the same again sends nothing, another one is refused', async () => {
    await reportOutcome(ID, TOKEN, 'removed', undefined, p);
    await reportOutcome(ID, TOKEN, 'removed', undefined, p);

    await expect(reportOutcome(ID, TOKEN, 'transferred', undefined, p)).rejects.toBeInstanceOf(CaseStateError);
    expect(p.outbox.email.to(LEE.email)).toHaveLength(1);
    expect(await p.store.getCase(ID)).toMatchObject({ attorneyOutcome: 'removed' });
  });

  it('takes the outcome back when telling the coordinators failed, so the retry tells them', async () => {
    p.outbox.email.failing = true;
    await expect(reportOutcome(ID, TOKEN, 'removed', undefined, p)).rejects.toThrow('email service down');
    expect((await p.store.getCase(ID))?.attorneyOutcome).toBeUndefined();

    p.outbox.email.failing = false;
    await reportOutcome(ID, TOKEN, 'removed', undefined, p);
    expect(p.outbox.email.to(LEE.email)).toHaveLength(1);
    expect((await p.store.timeline(ID)).filter((e) => e.event === 'outcome_reported')).toHaveLength(1);
  });

  it('two different outcomes racing: one is recorded, the other refused', async () => {
    const results = await Promise.allSettled([
      reportOutcome(ID, TOKEN, 'removed', undefined, p),
      reportOutcome(ID, TOKEN, 'parole_denied', undefined, p),
    ]);

    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(p.outbox.email.to(LEE.email)).toHaveLength(1);
  });
});
