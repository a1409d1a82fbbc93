import { beforeEach, describe, expect, it } from 'vitest';
import type { CaseDocument } from '../../shared/domain/documents.js';
import type { CaseRecord } from '../../shared/domain/types.js';
import { BadCursorError, type DailyCounter, type StorePort } from '../../shared/store/port.js';
import { caseRecord, offerRecord } from '../fixtures/case.js';
import { clinicEntry } from '../fixtures/clinic.js';
import { coordinatorEntry, doctorEntry, parsedRoster, shiftEntry } from '../fixtures/roster.js';

const AT = '2026-05-15T17:05:00.000Z';
const NOW = new Date(AT);
const HOUR = 3_600_000;
const later = (ms: number) => new Date(NOW.getTime() + ms);
/** Case ids in creation order: `MR-CASE000<n>` created `n` minutes after the first. */
const nth = (n: number, overrides: Partial<CaseRecord> = {}) =>
  caseRecord({
    referralId: `MR-CASE000${n}`,
    createdAt: new Date(Date.parse('2026-05-15T17:00:00Z') + n * 60_000).toISOString(),
    ...overrides,
  });

/**
 * What every store must do, as the flows rely on it: the same suite runs against the in-memory store
 * (`test/contract/memory.test.ts`) and the DynamoDB store on DynamoDB Local (`test/contract/dynamodb.test.ts`),
 * so the fake the use-case tests run on cannot drift from the real one. `makeStore` hands out an empty store.
 */
/** The copies of referral fields a stored case carries for the queue's indexes. */
const listCopies = (r: CaseRecord) => ({
  facilityState: r.referral.custody.facilityState,
  specialty: r.referral.request.specialty,
  ...(r.referral.attorney.organization ? { attorneyOrganization: r.referral.attorney.organization } : {}),
});

export function storeContract(name: string, makeStore: () => Promise<StorePort>): void {
  describe(`${name}: the store contract`, () => {
    let store: StorePort;
    beforeEach(async () => {
      store = await makeStore();
    });

    describe('cases', () => {
      it('stores a new case once, due for the sweeper from its creation; a taken id is refused and changes nothing', async () => {
        const record = caseRecord();
        expect(await store.createCase(record)).toBe(true);
        expect(await store.createCase({ ...record, status: 'held' })).toBe(false);
        expect(await store.getCase(record.referralId)).toEqual({ ...record, sweepAt: record.createdAt, ...listCopies(record) });
        expect(await store.getCase('MR-NOPE0000')).toBeUndefined();
        expect(await store.dueCases(record.createdAt, 10)).toEqual([{ referralId: record.referralId, sweepAt: record.createdAt }]);
      });

      it('lists the cases of a status newest first, whole, and follows status changes', async () => {
        for (const n of [1, 2, 3]) await store.createCase(nth(n));
        await store.createCase(nth(4, { status: 'held' }));
        expect((await store.listCases('paging')).map((c) => c.referralId)).toEqual(['MR-CASE0003', 'MR-CASE0002', 'MR-CASE0001']);
        expect((await store.listCases('paging'))[0].referral).toEqual(nth(3).referral);
        await store.closeCase('MR-CASE0002', 'withdrawn', AT);
        expect((await store.listCases('paging')).map((c) => c.referralId)).toEqual(['MR-CASE0003', 'MR-CASE0001']);
        expect((await store.listCases('closed')).map((c) => c.referralId)).toEqual(['MR-CASE0002']);
      });

      it('finds the cases of an A-number hash newest first, as summaries without referral content', async () => {
        await store.createCase(nth(1, { aNumberHash: 'h-a' }));
        await store.createCase(nth(2, { aNumberHash: 'h-b' }));
        await store.createCase(nth(3, { aNumberHash: 'h-a', status: 'held', holdReason: 'duplicate', duplicateOf: 'MR-CASE0001' }));
        expect(await store.casesByANumberHash('h-a')).toEqual([
          {
            referralId: 'MR-CASE0003',
            status: 'held',
            urgency: 'urgent',
            createdAt: nth(3).createdAt,
            holdReason: 'duplicate',
            duplicateOf: 'MR-CASE0001',
          },
          { referralId: 'MR-CASE0001', status: 'paging', urgency: 'urgent', createdAt: nth(1).createdAt },
        ]);
        expect(await store.casesByANumberHash('h-none')).toEqual([]);
      });

      it('reads the cases created in [start, end) oldest first, with the report fields only', async () => {
        for (const n of [1, 2, 3, 4]) await store.createCase(nth(n));
        const cases = await store.casesCreatedBetween(nth(2).createdAt, nth(4).createdAt);
        expect(cases.map((c) => c.referralId)).toEqual(['MR-CASE0002', 'MR-CASE0003']);
        expect(cases[0]).toEqual({
          referralId: 'MR-CASE0002',
          status: 'paging',
          urgency: 'urgent',
          reasons: ['attorney_urgent'],
          createdAt: nth(2).createdAt,
          wave: 0,
          ...listCopies(nth(2)),
        });
      });

      it('pages through every case newest first; the last page has no cursor', async () => {
        for (const n of [1, 2, 3, 4, 5]) await store.createCase(nth(n));
        const first = await store.pageCases({}, 2);
        const second = await store.pageCases({}, 2, first.nextCursor);
        const third = await store.pageCases({}, 2, second.nextCursor);
        expect([first, second, third].map((p) => p.items.map((c) => c.referralId))).toEqual([
          ['MR-CASE0005', 'MR-CASE0004'],
          ['MR-CASE0003', 'MR-CASE0002'],
          ['MR-CASE0001'],
        ]);
        expect(third.nextCursor).toBeUndefined();
        expect(first.items[0]).not.toHaveProperty('referral');
        expect((await store.pageCases({}, 5)).nextCursor).toBeUndefined();
      });

      it('pages by status (whole cases) and by A-number hash (summaries), the two together filtered by status', async () => {
        await store.createCase(nth(1, { aNumberHash: 'h-a' }));
        await store.createCase(nth(2, { aNumberHash: 'h-a', status: 'held' }));
        await store.createCase(nth(3, { aNumberHash: 'h-b' }));
        const paging = await store.pageCases({ status: 'paging' }, 1);
        expect(paging.items.map((c) => c.referralId)).toEqual(['MR-CASE0003']);
        expect((paging.items[0] as CaseRecord).referral).toBeDefined();
        expect((await store.pageCases({ status: 'paging' }, 1, paging.nextCursor)).items.map((c) => c.referralId)).toEqual(['MR-CASE0001']);
        const person = await store.pageCases({ aNumberHash: 'h-a' }, 10);
        expect(person.items.map((c) => c.referralId)).toEqual(['MR-CASE0002', 'MR-CASE0001']);
        expect(person.items[0]).not.toHaveProperty('referral');
        expect((await store.pageCases({ aNumberHash: 'h-a', status: 'held' }, 10)).items.map((c) => c.referralId)).toEqual(['MR-CASE0002']);
      });

      it('lists the urgent cases that still need a doctor oldest first, following status changes, with the list fields', async () => {
        await store.createCase(nth(1));
        await store.createCase(nth(2, { urgency: 'routine', status: 'awaiting_review' }));
        await store.createCase(nth(3, { status: 'held', holdReason: 'page_budget' }));
        await store.createCase(nth(4, { status: 'awaiting_verification' }));
        await store.createCase(nth(5));
        await store.createCase(nth(6, { urgency: 'routine', status: 'held', holdReason: 'duplicate' }));
        await store.createCase(nth(7));
        const ids = async () => (await store.pageCases({ needsDoctor: true }, 10)).items.map((c) => c.referralId);
        expect(await ids()).toEqual(['MR-CASE0001', 'MR-CASE0003', 'MR-CASE0005', 'MR-CASE0007']);

        const first = await store.pageCases({ needsDoctor: true }, 2);
        expect(first.items[0]).toEqual({
          referralId: 'MR-CASE0001',
          status: 'paging',
          urgency: 'urgent',
          reasons: ['attorney_urgent'],
          createdAt: nth(1).createdAt,
          wave: 0,
          ...listCopies(nth(1)),
        });
        const second = await store.pageCases({ needsDoctor: true }, 2, first.nextCursor);
        expect(second.items.map((c) => c.referralId)).toEqual(['MR-CASE0005', 'MR-CASE0007']);
        expect(second.nextCursor).toBeUndefined();
        await expect(store.pageCases({}, 2, first.nextCursor)).rejects.toBeInstanceOf(BadCursorError);

        // the final wave escalates (stays), an accept, a release and a close take a case out; an approval brings a held one back
        expect(await store.claimFinalWave('MR-CASE0001', 1, AT)).toBe(true);
        await store.createOffer(offerRecord({ referralId: 'MR-CASE0005', offerId: 'o-5' }), 0);
        expect(await store.acceptOffer(offerRecord({ referralId: 'MR-CASE0005', offerId: 'o-5' }), AT)).toBe(true);
        expect(await store.closeCase('MR-CASE0007', 'withdrawn', AT)).toBe(true);
        expect(await store.approveCase('MR-CASE0004', { from: 'awaiting_verification', to: 'held', by: 'c', at: AT })).toBe(true);
        expect(await ids()).toEqual(['MR-CASE0001', 'MR-CASE0003', 'MR-CASE0004']);
        expect(await store.approveCase('MR-CASE0003', { from: 'held', to: 'paging', by: 'c', at: AT })).toBe(true);
        expect(
          await store.releaseCase('MR-CASE0003', { releasedOn: '2026-05-16', state: 'TX', patientLanguage: 'es', smsConsent: false }),
        ).toBe(true);
        expect(await ids()).toEqual(['MR-CASE0001', 'MR-CASE0004']);
      });

      it("pages an attorney's cases (any status, whatever the address's case) and a doctor's accepted cases, newest first", async () => {
        const by = (email: string) => ({ referral: { ...nth(1).referral, attorney: { ...nth(1).referral.attorney, email } } });
        await store.createCase(nth(1, by('ada@law.example')));
        await store.createCase(nth(2, { ...by('Ada@Law.example'), status: 'held', holdReason: 'new_submitter' }));
        await store.createCase(nth(3, by('bo@law.example')));
        await store.createCase(nth(4, by('ada@law.example')));
        const first = await store.pageCases({ submitter: 'ada@law.example' }, 2);
        expect(first.items.map((c) => c.referralId)).toEqual(['MR-CASE0004', 'MR-CASE0002']);
        expect(first.items[1]).toMatchObject({ status: 'held', urgency: 'urgent', createdAt: nth(2).createdAt });
        expect(first.items[0]).not.toHaveProperty('referral');
        const second = await store.pageCases({ submitter: 'ADA@law.example' }, 2, first.nextCursor);
        expect(second.items.map((c) => c.referralId)).toEqual(['MR-CASE0001']);
        expect(second.nextCursor).toBeUndefined();
        await expect(store.pageCases({ submitter: 'bo@law.example' }, 2, first.nextCursor)).rejects.toBeInstanceOf(BadCursorError);

        expect((await store.pageCases({ doctorId: 'd-ana' }, 10)).items).toEqual([]);
        for (const n of [1, 3, 4])
          await store.createOffer(offerRecord({ referralId: `MR-CASE000${n}`, offerId: `o-${n}`, code: `482${n}` }), 0);
        await store.createOffer(offerRecord({ referralId: 'MR-CASE0003', offerId: 'o-3b', doctorId: 'd-ben', code: '1111' }), 0);
        expect(await store.acceptOffer(offerRecord({ referralId: 'MR-CASE0001', offerId: 'o-1', code: '4821' }), AT)).toBe(true);
        expect(await store.acceptOffer(offerRecord({ referralId: 'MR-CASE0004', offerId: 'o-4', code: '4824' }), AT)).toBe(true);
        expect(
          await store.acceptOffer(offerRecord({ referralId: 'MR-CASE0003', offerId: 'o-3b', doctorId: 'd-ben', code: '1111' }), AT),
        ).toBe(true);
        // a released or closed case stays on the doctor's list
        expect(await store.closeCase('MR-CASE0001', 'parole_granted', AT)).toBe(true);
        const ana = await store.pageCases({ doctorId: 'd-ana' }, 10);
        expect(ana.items.map((c) => [c.referralId, c.status])).toEqual([
          ['MR-CASE0004', 'assigned'],
          ['MR-CASE0001', 'closed'],
        ]);
        expect((await store.pageCases({ doctorId: 'd-ben' }, 10)).items.map((c) => c.referralId)).toEqual(['MR-CASE0003']);
      });

      it('refuses a cursor that is not one, or belongs to another list', async () => {
        for (const n of [1, 2, 3]) await store.createCase(nth(n));
        const { nextCursor } = await store.pageCases({}, 1);
        await expect(store.pageCases({}, 1, 'not-a-cursor')).rejects.toBeInstanceOf(BadCursorError);
        await expect(store.pageCases({}, 1, Buffer.from('[1,2]').toString('base64url'))).rejects.toBeInstanceOf(BadCursorError);
        await expect(store.pageCases({ status: 'paging' }, 1, nextCursor)).rejects.toBeInstanceOf(BadCursorError);
      });

      it('hands the sweeper the due cases longest waiting first, at most `limit`, and leaves cleared ones out', async () => {
        for (const n of [1, 2, 3]) await store.createCase(nth(n));
        expect(await store.dueCases(nth(2).createdAt, 10)).toEqual([
          { referralId: 'MR-CASE0001', sweepAt: nth(1).createdAt },
          { referralId: 'MR-CASE0002', sweepAt: nth(2).createdAt },
        ]);
        expect((await store.dueCases(AT, 1)).map((c) => c.referralId)).toEqual(['MR-CASE0001']);
        expect(await store.setSweepAt('MR-CASE0001', nth(1).createdAt, undefined)).toBe(true);
        expect((await store.dueCases(AT, 10)).map((c) => c.referralId)).toEqual(['MR-CASE0002', 'MR-CASE0003']);
        expect((await store.getCase('MR-CASE0001'))?.sweepAt).toBeUndefined();
      });
    });

    describe('named state changes of a case', () => {
      const id = caseRecord().referralId;
      const next = { nextWaveAt: '2026-05-15T17:20:00.000Z', sweepAt: AT };
      beforeEach(async () => {
        await store.createCase(caseRecord());
      });

      it('claims a wave once: wave n-1 to n while paging', async () => {
        expect(await store.claimWave(id, 1, next)).toBe(true);
        expect(await store.claimWave(id, 1, next)).toBe(false);
        expect(await store.claimWave(id, 3, next)).toBe(false);
        expect(await store.getCase(id)).toMatchObject({ wave: 1, status: 'paging', ...next });
        expect(await store.claimWave('MR-NOPE0000', 1, next)).toBe(false);
      });

      it('claims no wave of a case that is not paging', async () => {
        await store.closeCase(id, 'withdrawn', AT);
        expect(await store.claimWave(id, 1, next)).toBe(false);
        expect((await store.getCase(id))?.wave).toBe(0);
      });

      it('claims the final wave once: escalated, no next wave', async () => {
        await store.claimWave(id, 1, next);
        await store.claimWave(id, 2, next);
        expect(await store.claimFinalWave(id, 3, '2026-05-15T17:40:00.000Z')).toBe(true);
        expect(await store.claimFinalWave(id, 3, '2026-05-15T17:40:00.000Z')).toBe(false);
        const record = await store.getCase(id);
        expect(record).toMatchObject({ wave: 3, status: 'escalated', sweepAt: '2026-05-15T17:40:00.000Z' });
        expect(record?.nextWaveAt).toBeUndefined();
        expect((await store.listCases('escalated')).map((c) => c.referralId)).toEqual([id]);
      });

      it('holds a case paging at the given wave, dropping its next wave', async () => {
        await store.claimWave(id, 1, next);
        expect(await store.holdCase(id, 2, 'page_budget')).toBe(false);
        expect(await store.holdCase(id, 1, 'page_budget')).toBe(true);
        expect(await store.holdCase(id, 1, 'page_budget')).toBe(false);
        const record = await store.getCase(id);
        expect(record).toMatchObject({ status: 'held', holdReason: 'page_budget', wave: 1 });
        expect(record?.nextWaveAt).toBeUndefined();
      });

      it('sets each one-time mark once, each on its own', async () => {
        expect(await store.markOnce(id, 'coordinatorNotice', AT)).toBe(true);
        expect(await store.markOnce(id, 'coordinatorNotice', '2026-05-15T18:00:00.000Z')).toBe(false);
        for (const mark of ['holdNotice', 'escalation', 'intro'] as const) {
          expect(await store.markOnce(id, mark, AT)).toBe(true);
          expect(await store.markOnce(id, mark, AT)).toBe(false);
        }
        expect(await store.getCase(id)).toMatchObject({
          coordinatorNoticeAt: AT,
          holdNoticeAt: AT,
          escalationSentAt: AT,
          introSentAt: AT,
        });
        expect(await store.markOnce('MR-NOPE0000', 'intro', AT)).toBe(false);
      });

      it('claims the receipt once; a failed send gives it back, a sent one stays sent', async () => {
        const claim = (at: string, token: string) =>
          store.claimReceipt(id, {
            at,
            staleBefore: new Date(Date.parse(at) - 5 * 60_000).toISOString(),
            outcomeTokenHash: token,
            outcomeTokenExpiresAt: '2026-08-13T17:05:00.000Z',
          });
        expect(await store.finishReceipt(id, 'sent')).toBe(false);
        expect(await claim(AT, 'hash-1')).toBe(true);
        expect(await claim(AT, 'hash-2')).toBe(false);
        expect(await store.getCase(id)).toMatchObject({ receipt: 'sending', receiptClaimedAt: AT, outcomeTokenHash: 'hash-1' });
        expect(await store.finishReceipt(id, 'pending')).toBe(true);
        expect(await claim(AT, 'hash-3')).toBe(true);
        expect(await store.finishReceipt(id, 'sent')).toBe(true);
        expect(await store.finishReceipt(id, 'sent')).toBe(false);
        expect(await claim('2026-05-15T19:00:00.000Z', 'hash-4')).toBe(false);
        expect(await store.getCase(id)).toMatchObject({ receipt: 'sent', outcomeTokenHash: 'hash-3' });
      });

      it('lets a claim that died mid-send be taken again once it is stale, and not before', async () => {
        const claim = (at: string, staleBefore: string) =>
          store.claimReceipt(id, { at, staleBefore, outcomeTokenHash: at, outcomeTokenExpiresAt: '2026-08-13T17:05:00.000Z' });
        expect(await claim(AT, '2026-05-15T17:00:00.000Z')).toBe(true);
        expect(await claim('2026-05-15T17:07:00.000Z', AT)).toBe(false);
        expect(await claim('2026-05-15T17:11:00.000Z', '2026-05-15T17:06:00.000Z')).toBe(true);
        expect((await store.getCase(id))?.receiptClaimedAt).toBe('2026-05-15T17:11:00.000Z');
      });

      it('approves a case still in the status it was seen in, dropping its hold reason', async () => {
        await store.claimWave(id, 1, next);
        await store.holdCase(id, 1, 'page_budget');
        const approval = { from: 'held' as const, to: 'paging' as const, by: 'staff:lee', at: AT, nextWaveAt: '2026-05-15T17:20:00.000Z' };
        expect(await store.approveCase(id, { ...approval, from: 'awaiting_verification' })).toBe(false);
        expect(await store.approveCase(id, approval)).toBe(true);
        expect(await store.approveCase(id, approval)).toBe(false);
        const record = await store.getCase(id);
        expect(record).toMatchObject({
          status: 'paging',
          approvedBy: 'staff:lee',
          approvedAt: AT,
          nextWaveAt: approval.nextWaveAt,
          wave: 1,
        });
        expect(record?.holdReason).toBeUndefined();
      });

      it('approves a case set aside in review only while it is still set aside for that reason', async () => {
        await store.createCase(nth(1, { status: 'awaiting_review', urgency: 'routine', holdReason: 'new_submitter' }));
        const approval = { from: 'awaiting_review' as const, to: 'awaiting_review' as const, by: 'staff:lee', at: AT };
        expect(await store.approveCase('MR-CASE0001', { ...approval, fromHold: 'duplicate' })).toBe(false);
        expect(await store.approveCase('MR-CASE0001', { ...approval, fromHold: 'new_submitter' })).toBe(true);
        expect(await store.approveCase('MR-CASE0001', { ...approval, fromHold: 'new_submitter' })).toBe(false);
        const record = await store.getCase('MR-CASE0001');
        expect(record).toMatchObject({ status: 'awaiting_review', approvedBy: 'staff:lee' });
        expect(record?.holdReason).toBeUndefined();
      });

      it('releases a case not closed once, dropping its next wave; a second release changes nothing', async () => {
        const release = { releasedOn: '2026-05-20', state: 'TX', patientLanguage: 'es', smsConsent: false };
        await store.claimWave(id, 1, next);
        expect(await store.releaseCase(id, release)).toBe(true);
        expect(await store.releaseCase(id, { ...release, smsConsent: true })).toBe(false);
        const record = await store.getCase(id);
        expect(record).toMatchObject({ status: 'released', release });
        expect(record?.nextWaveAt).toBeUndefined();
        await store.closeCase(id, 'care_established', AT);
        expect(await store.releaseCase(id, release)).toBe(false);
        expect((await store.getCase(id))?.status).toBe('closed');
      });

      it("records the attorney's outcome once; only the report it was recorded at takes it back", async () => {
        expect(await store.reportOutcome(id, 'removed', AT)).toBe(true);
        expect(await store.reportOutcome(id, 'transferred', '2026-05-15T18:00:00.000Z')).toBe(false);
        expect(await store.withdrawOutcome(id, '2026-05-15T18:00:00.000Z')).toBe(false);
        expect(await store.getCase(id)).toMatchObject({ attorneyOutcome: 'removed', attorneyOutcomeAt: AT });
        expect(await store.withdrawOutcome(id, AT)).toBe(true);
        expect((await store.getCase(id))?.attorneyOutcome).toBeUndefined();
        expect(await store.reportOutcome(id, 'transferred', AT)).toBe(true);
        expect(await store.reportOutcome('MR-NOPE0000', 'removed', AT)).toBe(false);
      });

      it('closes a case once, with its outcome', async () => {
        await store.claimWave(id, 1, next);
        expect(await store.closeCase(id, 'transferred', AT)).toBe(true);
        expect(await store.closeCase(id, 'withdrawn', '2026-05-15T18:00:00.000Z')).toBe(false);
        const record = await store.getCase(id);
        expect(record).toMatchObject({ status: 'closed', outcome: 'transferred', closedAt: AT });
        expect(record?.nextWaveAt).toBeUndefined();
        expect(await store.closeCase('MR-NOPE0000', 'withdrawn', AT)).toBe(false);
      });

      it('has the sweeper look at a case from a time, and changes its time only as last seen', async () => {
        const created = caseRecord().createdAt;
        expect(await store.setSweepAt(id, '2026-01-01T00:00:00.000Z', AT)).toBe(false);
        expect(await store.setSweepAt(id, created, AT)).toBe(true);
        expect(await store.dueCases(created, 10)).toEqual([]);
        expect(await store.setSweepAt(id, AT, undefined)).toBe(true);
        expect(await store.setSweepAt(id, AT, created)).toBe(false);
        expect(await store.dueCases(AT, 10)).toEqual([]);
        expect(await store.setSweepAt(id, undefined, created)).toBe(true);
        expect(await store.dueCases(AT, 10)).toEqual([{ referralId: id, sweepAt: created }]);
        expect(await store.sweepFrom(id, AT)).toBe(true);
        expect(await store.dueCases(AT, 10)).toEqual([{ referralId: id, sweepAt: AT }]);
        expect(await store.sweepFrom('MR-NOPE0000', AT)).toBe(false);
      });
    });

    describe('timeline', () => {
      it('keeps a case’s events oldest first; a once-only event is kept once', async () => {
        const id = caseRecord().referralId;
        await store.addEvent(id, { at: '2026-05-15T17:03:00.000Z', event: 'wave_started', details: { wave: 1 } });
        await store.addEventOnce(id, { at: '2026-05-15T17:00:00.000Z', event: 'received', details: { urgency: 'urgent' } });
        await store.addEventOnce(id, { at: '2026-05-15T17:00:00.000Z', event: 'received', details: { urgency: 'urgent' } });
        await store.addEvent(id, { at: '2026-05-15T17:04:00.000Z', event: 'note', actor: 'staff:lee', details: { text: 'called' } });
        await store.addEvent('MR-OTHER000', { at: '2026-05-15T17:01:00.000Z', event: 'received' });
        expect(await store.timeline(id)).toEqual([
          { at: '2026-05-15T17:00:00.000Z', event: 'received', details: { urgency: 'urgent' } },
          { at: '2026-05-15T17:03:00.000Z', event: 'wave_started', details: { wave: 1 } },
          { at: '2026-05-15T17:04:00.000Z', event: 'note', actor: 'staff:lee', details: { text: 'called' } },
        ]);
        expect(await store.timeline('MR-NOPE0000')).toEqual([]);
      });
    });

    describe('offers and reply codes', () => {
      const record = caseRecord();
      const offer = offerRecord();
      beforeEach(async () => {
        await store.createCase(record);
      });

      it('stores an offer with its pointer and open reply code', async () => {
        expect(await store.createOffer(offer, 1_900_000_000)).toBe('created');
        const ben = offerRecord({ offerId: 'offer-2', doctorId: 'd-ben', code: '1111' });
        expect(await store.createOffer(ben, 1_900_000_000)).toBe('created');
        expect(await store.getOffer(record.referralId, 'd-ana')).toEqual(offer);
        expect(await store.getOfferById('offer-1')).toEqual(offer);
        expect(await store.getOfferById('offer-x')).toBeUndefined();
        expect(await store.listOffers(record.referralId)).toEqual([offer, ben]);
        expect(await store.openCodes('d-ana')).toEqual([{ code: '4821', referralId: record.referralId, offerId: 'offer-1' }]);
        expect(await store.getCode('d-ana', '4821')).toEqual({ code: '4821', referralId: record.referralId, offerId: 'offer-1' });
        expect(await store.getCode('d-ana', '9999')).toBeUndefined();
      });

      it('refuses a second offer to the same doctor, writing none of it', async () => {
        await store.createOffer(offer, 0);
        expect(await store.createOffer(offerRecord({ offerId: 'offer-2', code: '1234' }), 0)).toBe('exists');
        expect(await store.getOfferById('offer-2')).toBeUndefined();
        expect(await store.getCode('d-ana', '1234')).toBeUndefined();
        expect(await store.getOffer(record.referralId, 'd-ana')).toEqual(offer);
      });

      it('refuses a code the doctor has open on another case, and takes it again once that offer is decided', async () => {
        await store.createOffer(offer, 0);
        await store.createCase(nth(1));
        const other = offerRecord({ offerId: 'offer-2', referralId: 'MR-CASE0001' });
        expect(await store.createOffer(other, 0)).toBe('code-taken');
        expect(await store.getOffer('MR-CASE0001', 'd-ana')).toBeUndefined();
        expect(await store.getOfferById('offer-2')).toBeUndefined();
        await store.closeOffer(offer, 'declined', AT);
        expect(await store.createOffer(other, 0)).toBe('created');
        expect(await store.openCodes('d-ana')).toEqual([{ code: '4821', referralId: 'MR-CASE0001', offerId: 'offer-2' }]);
      });

      it('offers no case that is taken, closed, held or unknown', async () => {
        await store.createCase(nth(1, { status: 'held' }));
        expect(await store.createOffer(offerRecord({ referralId: 'MR-CASE0001' }), 0)).toBe('closed');
        expect(await store.createOffer(offerRecord({ referralId: 'MR-NOPE0000' }), 0)).toBe('closed');
        await store.createOffer(offer, 0);
        expect(await store.acceptOffer(offer, AT)).toBe(true);
        expect(await store.createOffer(offerRecord({ offerId: 'offer-2', doctorId: 'd-ben', code: '1111' }), 0)).toBe('closed');
        await store.createCase(nth(2, { status: 'awaiting_review', urgency: 'routine' }));
        await store.closeCase('MR-CASE0002', 'withdrawn', AT);
        expect(await store.createOffer(offerRecord({ referralId: 'MR-CASE0002' }), 0)).toBe('closed');
        expect(await store.openCodes('d-ben')).toEqual([]);
      });

      it('moves a channel only from the state it is in, keeping the token hash it carries', async () => {
        await store.createOffer(offer, 0);
        expect(await store.markChannel(offer, 'sms', 'pending', 'sending', 'token-hash')).toBe(true);
        expect(await store.markChannel(offer, 'sms', 'pending', 'sending', 'other-hash')).toBe(false);
        expect(await store.markChannel(offer, 'sms', 'sending', 'sent')).toBe(true);
        expect(await store.markChannel(offer, 'email', 'pending', 'skipped')).toBe(true);
        expect(await store.getOffer(record.referralId, 'd-ana')).toMatchObject({
          sms: 'sent',
          email: 'skipped',
          tokenHashes: { sms: 'token-hash' },
        });
        expect(await store.markChannel(offerRecord({ doctorId: 'd-none' }), 'sms', 'pending', 'sending')).toBe(false);
      });

      it('closes an open offer once, closing its reply code (still found, as decided)', async () => {
        await store.createOffer(offer, 0);
        expect(await store.closeOffer(offer, 'declined', AT, 'travelling')).toBe(true);
        expect(await store.closeOffer(offer, 'withdrawn', AT)).toBe(false);
        expect(await store.getOffer(record.referralId, 'd-ana')).toMatchObject({
          state: 'declined',
          decidedAt: AT,
          declineReason: 'travelling',
        });
        expect(await store.openCodes('d-ana')).toEqual([]);
        expect(await store.getCode('d-ana', '4821')).toEqual({ code: '4821', referralId: record.referralId, offerId: 'offer-1' });
        expect(await store.acceptOffer(offer, AT)).toBe(false);
        expect((await store.getCase(record.referralId))?.status).toBe('paging');
      });

      it('lets the first accept take the case, all or nothing; the next one changes nothing', async () => {
        const ben = offerRecord({ offerId: 'offer-2', doctorId: 'd-ben', code: '1111' });
        await store.createOffer(offer, 0);
        await store.createOffer(ben, 0);
        await store.claimWave(record.referralId, 1, { nextWaveAt: '2026-05-15T17:20:00.000Z', sweepAt: AT });
        expect(await store.acceptOffer(offer, AT)).toBe(true);
        expect(await store.acceptOffer(ben, AT)).toBe(false);
        expect(await store.acceptOffer(offer, AT)).toBe(false);
        const taken = await store.getCase(record.referralId);
        expect(taken).toMatchObject({ status: 'assigned', assignedDoctorId: 'd-ana', assignedAt: AT });
        expect(taken?.nextWaveAt).toBeUndefined();
        expect(await store.getOffer(record.referralId, 'd-ana')).toMatchObject({ state: 'accepted', decidedAt: AT });
        expect(await store.getOffer(record.referralId, 'd-ben')).toMatchObject({ state: 'open' });
        expect(await store.openCodes('d-ana')).toEqual([]);
        expect(await store.openCodes('d-ben')).toHaveLength(1);
        expect((await store.listCases('assigned')).map((c) => c.referralId)).toEqual([record.referralId]);
      });

      it("counts each doctor's open assigned cases: an accept adds one, a release or close takes it away", async () => {
        await store.createCase(nth(1, { status: 'awaiting_review', urgency: 'routine' }));
        await store.createCase(nth(2, { status: 'assigned', assignedDoctorId: 'd-ben' }));
        expect(await store.doctorLoad()).toEqual(new Map([['d-ben', 1]]));
        await store.createOffer(offer, 0);
        const routine = offerRecord({ referralId: 'MR-CASE0001', code: '2222', offerId: 'offer-r' });
        await store.createOffer(routine, 0);
        expect(await store.acceptOffer(offer, AT)).toBe(true);
        expect(await store.acceptOffer(routine, AT)).toBe(true);
        expect(await store.doctorLoad()).toEqual(
          new Map([
            ['d-ana', 2],
            ['d-ben', 1],
          ]),
        );
        expect(
          await store.releaseCase(record.referralId, { releasedOn: '2026-05-15', state: 'TX', patientLanguage: 'es', smsConsent: false }),
        ).toBe(true);
        await store.closeCase('MR-CASE0002', 'withdrawn', AT);
        expect(await store.doctorLoad()).toEqual(new Map([['d-ana', 1]]));
        expect((await store.getCase('MR-CASE0001'))!).not.toHaveProperty('loadPk');
      });

      it('accepts an escalated or routine case, and no closed one', async () => {
        await store.createCase(nth(1, { status: 'awaiting_review', urgency: 'routine' }));
        const routine = offerRecord({ referralId: 'MR-CASE0001', code: '2222', offerId: 'offer-r' });
        await store.createOffer(routine, 0);
        expect(await store.acceptOffer(routine, AT)).toBe(true);
        await store.createOffer(offer, 0);
        await store.closeCase(record.referralId, 'withdrawn', AT);
        expect(await store.acceptOffer(offer, AT)).toBe(false);
        expect(await store.getOffer(record.referralId, 'd-ana')).toMatchObject({ state: 'open' });
      });
    });

    describe('roster, people and their channels', () => {
      const roster = parsedRoster({
        doctors: [
          doctorEntry({ id: 'd-ben', email: 'ben@example.org', phone: '+15125550102' }),
          doctorEntry(),
          doctorEntry({ id: 'd-cy', email: 'cy@example.org', phone: '+15125550199' }),
        ],
        coordinators: [coordinatorEntry()],
        shifts: [shiftEntry({ doctorId: 'd-ben', start: '2026-05-16T08:00:00-05:00', end: '2026-05-17T08:00:00-05:00' }), shiftEntry()],
      });

      it('replaces the roster and reads it back in order; entries the new one lacks are gone', async () => {
        await store.replaceRoster(roster);
        const read = await store.roster();
        expect(read.doctors.map((d) => d.id)).toEqual(['d-ana', 'd-ben', 'd-cy']);
        expect(read.doctors[0]).toEqual(roster.doctors[1]);
        expect(read.coordinators).toEqual(roster.coordinators);
        expect(read.shifts).toEqual([roster.shifts[1], roster.shifts[0]]);
        const smaller = parsedRoster({ shifts: [] });
        await store.replaceRoster(smaller);
        expect(await store.roster()).toEqual(smaller);
      });

      it('finds who owns a phone number, a coordinator before a doctor with the same one', async () => {
        await store.replaceRoster(roster);
        expect(await store.personByPhone('+15125550102')).toEqual({ kind: 'doctor', person: roster.doctors[0] });
        expect(await store.personByPhone('+15125550199')).toEqual({ kind: 'coordinator', person: roster.coordinators[0] });
        expect(await store.personByPhone('+15125550000')).toBeUndefined();
      });

      it('marks an address unusable, and usable again', async () => {
        expect(await store.isUnusable('sms:+15125550101')).toBe(false);
        await store.markUnusable('sms:+15125550101', 'opted_out', AT);
        expect(await store.isUnusable('sms:+15125550101')).toBe(true);
        expect(await store.isUnusable('email:ana@example.org')).toBe(false);
        await store.markUsable('sms:+15125550101');
        expect(await store.isUnusable('sms:+15125550101')).toBe(false);
      });
    });

    describe('submitters: the trusted list, verification', () => {
      it('keeps the trusted list, domains before addresses, and finds an address by itself or its domain', async () => {
        await store.putTrusted({ email: 'ana@firm.org', addedBy: 'staff:lee', addedAt: AT });
        await store.putTrusted({ domain: 'partner.org', addedBy: 'admin:cli', addedAt: AT });
        expect(await store.listTrusted()).toEqual([
          { domain: 'partner.org', addedBy: 'admin:cli', addedAt: AT },
          { email: 'ana@firm.org', addedBy: 'staff:lee', addedAt: AT },
        ]);
        expect(await store.onTrustedList('ana@firm.org')).toBe(true);
        expect(await store.onTrustedList('ben@firm.org')).toBe(false);
        expect(await store.onTrustedList('anyone@partner.org')).toBe(true);
        await store.deleteTrusted({ domain: 'partner.org' });
        expect(await store.onTrustedList('anyone@partner.org')).toBe(false);
        expect(await store.listTrusted()).toHaveLength(1);
      });

      it('queues referrals for the coordinators’ digest once each, by id, and takes listed ones off', async () => {
        expect(await store.digestQueue()).toEqual([]);
        for (const id of ['MR-3', 'MR-1', 'MR-2', 'MR-1']) await store.queueDigest(id);
        expect(await store.digestQueue()).toEqual(['MR-1', 'MR-2', 'MR-3']);
        await store.clearDigest(['MR-1', 'MR-3']);
        await store.queueDigest('MR-4');
        expect(await store.digestQueue()).toEqual(['MR-2', 'MR-4']);
        await store.clearDigest([]);
        expect(await store.digestQueue()).toEqual(['MR-2', 'MR-4']);
      });
    });

    describe('budgets and alerts', () => {
      /** Stores case `id` counted against `owner`'s `counter` allowance of `limit` at `at`. */
      const counted = (id: string, counter: DailyCounter, owner: string, limit: number, at: Date) =>
        store.createCounted(caseRecord({ referralId: id }), [{ counter, owner, limit }], at);

      it('counts each daily allowance per owner in a rolling day as the case is stored; a taken id counts nothing', async () => {
        expect(await counted('MR-1', 'urgent', 'ana@firm.org', 2, NOW)).toBe('created');
        expect(await counted('MR-2', 'urgent', 'ana@firm.org', 2, later(1000))).toBe('created');
        expect(await counted('MR-2', 'urgent', 'ana@firm.org', 3, later(2000))).toBe('taken');
        expect(await counted('MR-3', 'urgent', 'ana@firm.org', 2, later(3000))).toBe('over');
        expect(await store.getCase('MR-3')).toBeUndefined();
        expect(await counted('MR-3', 'urgent', 'ben@firm.org', 2, later(3000))).toBe('created');
        expect(await counted('MR-4', 'urgent', 'ana@firm.org', 2, later(24 * HOUR + 1))).toBe('created');
        // the domain's and the routine allowances are counters of their own
        expect(await counted('MR-9', 'routine', 'ana@firm.org', 1, later(3000))).toBe('created');
        expect(await counted('MR-10', 'routine', 'ana@firm.org', 1, later(3000))).toBe('over');
        expect(await counted('MR-11', 'urgent_domain', 'firm.org', 1, later(3000))).toBe('created');
        expect(await counted('MR-12', 'urgent_domain', 'firm.org', 1, later(3000))).toBe('over');
        expect(await counted('MR-12', 'urgent_domain', 'partner.org', 1, later(3000))).toBe('created');
        // two allowances at once: counted in both or in neither
        const both = () => [
          { counter: 'urgent' as const, owner: 'cy@firm.org', limit: 1 },
          { counter: 'urgent_domain' as const, owner: 'other.org', limit: 2 },
        ];
        expect(await store.createCounted(caseRecord({ referralId: 'MR-20' }), both(), NOW)).toBe('created');
        expect(await store.createCounted(caseRecord({ referralId: 'MR-21' }), both(), NOW)).toBe('over');
        expect(await counted('MR-22', 'urgent_domain', 'other.org', 2, NOW)).toBe('created');
      });

      it('counts past stale entries, a full day refuses with nothing stored, and never beyond the limit under concurrency', async () => {
        // a counter listing as many entries as its limit, the oldest stale: counted again from what it holds
        expect(await counted('MR-1', 'routine', 'ana@firm.org', 2, NOW)).toBe('created');
        expect(await counted('MR-2', 'routine', 'ana@firm.org', 2, later(HOUR))).toBe('created');
        expect(await counted('MR-3', 'routine', 'ana@firm.org', 2, later(24 * HOUR + 1))).toBe('created');
        expect(await counted('MR-4', 'routine', 'ana@firm.org', 2, later(24 * HOUR + 2))).toBe('over');
        expect(await store.getCase('MR-4')).toBeUndefined();
        expect(await counted('MR-4', 'routine', 'ana@firm.org', 2, later(25 * HOUR + 1))).toBe('created');
        const racing = await Promise.all(Array.from({ length: 8 }, (_, i) => counted(`MR-R${i}`, 'routine', 'cy@firm.org', 3, NOW)));
        expect(racing.filter((r) => r === 'created')).toHaveLength(3);
        expect(racing.filter((r) => r === 'over')).toHaveLength(5);
      });

      it('reserves pages within the rolling hour, once per wave, and never beyond the budget under concurrency', async () => {
        expect(await store.takePageBudget('MR-1#1', 3, 5, NOW)).toBe(true);
        expect(await store.takePageBudget('MR-1#1', 3, 5, NOW)).toBe(true);
        expect(await store.takePageBudget('MR-2#1', 3, 5, NOW)).toBe(false);
        expect(await store.takePageBudget('MR-2#1', 2, 5, NOW)).toBe(true);
        expect(await store.takePageBudget('MR-3#1', 1, 5, later(HOUR - 1))).toBe(false);
        expect(await store.takePageBudget('MR-3#1', 3, 5, later(HOUR + 1))).toBe(true);
        const at = later(3 * HOUR);
        const taken = await Promise.all(Array.from({ length: 12 }, (_, i) => store.takePageBudget(`MR-${i}#2`, 1, 5, at)));
        expect(taken.filter(Boolean)).toHaveLength(5);
      });

      it('claims the SMS a number gets a day once per kind; the holder of the claim may claim it again', async () => {
        expect(await store.claimDailySms('patient', '+15125550177', '2026-05-15', 'reminder:MR-1:day3')).toBe(true);
        expect(await store.claimDailySms('patient', '+15125550177', '2026-05-15', 'reminder:MR-1:day3')).toBe(true);
        expect(await store.claimDailySms('patient', '+15125550177', '2026-05-15', 'reminder:MR-2:day3')).toBe(false);
        expect(await store.claimDailySms('unknown_sender', '+15125550177', '2026-05-15', 'reply')).toBe(true);
        expect(await store.claimDailySms('patient', '+15125550178', '2026-05-15', 'reminder:MR-2:day3')).toBe(true);
        expect(await store.claimDailySms('patient', '+15125550177', '2026-05-16', 'reminder:MR-2:day3')).toBe(true);
        const racing = await Promise.all(
          Array.from({ length: 8 }, (_, i) => store.claimDailySms('patient', '+15125550179', '2026-05-15', `handoff:MR-${i}`)),
        );
        expect(racing.filter(Boolean)).toHaveLength(1);
      });

      it('claims an alert once per period', async () => {
        expect(await store.claimAlert('page_budget', NOW, HOUR)).toBe(true);
        expect(await store.claimAlert('page_budget', later(HOUR - 1), HOUR)).toBe(false);
        expect(await store.claimAlert('other', NOW, HOUR)).toBe(true);
        expect(await store.claimAlert('page_budget', later(HOUR), HOUR)).toBe(true);
      });

      it('gives an alert claim back only to its claimer: the next caller claims it, a newer claim stays', async () => {
        expect(await store.claimAlert('page_budget', NOW, HOUR)).toBe(true);
        await store.releaseAlert('page_budget', NOW);
        expect(await store.claimAlert('page_budget', later(1), HOUR)).toBe(true);
        await store.releaseAlert('page_budget', NOW);
        expect(await store.claimAlert('page_budget', later(2), HOUR)).toBe(false);
      });
    });

    describe('reminders', () => {
      const id = caseRecord().referralId;
      const reminder = (step: string) => ({ referralId: id, step, dueAt: AT, audience: 'patient' as const, state: 'scheduled' as const });

      it('stores each step once and lists them by step', async () => {
        expect(await store.putReminder(reminder('week-1'))).toBe('created');
        expect(await store.putReminder(reminder('day-1'))).toBe('created');
        expect(await store.putReminder({ ...reminder('day-1'), dueAt: '2026-06-01T14:00:00.000Z' })).toBe('exists');
        expect(await store.reminders(id)).toEqual([reminder('day-1'), reminder('week-1')]);
        expect(await store.reminders('MR-NOPE0000')).toEqual([]);
      });

      it('moves a reminder only from the state it is in', async () => {
        await store.putReminder(reminder('day-1'));
        expect(await store.markReminder(id, 'day-1', 'scheduled', 'sending')).toBe(true);
        expect(await store.markReminder(id, 'day-1', 'scheduled', 'sending')).toBe(false);
        expect(await store.markReminder(id, 'day-1', 'sending', 'sent')).toBe(true);
        expect(await store.markReminder(id, 'day-9', 'scheduled', 'cancelled')).toBe(false);
        expect((await store.reminders(id))[0].state).toBe('sent');
      });
    });

    describe('documents', () => {
      const id = caseRecord().referralId;
      const document = (n: number, overrides: Partial<CaseDocument> = {}): CaseDocument => ({
        referralId: id,
        documentId: `D-000000000000000${n}`,
        kind: 'medical_record',
        fileName: `records ${n}.pdf`,
        contentType: 'application/pdf',
        size: 1000 + n,
        status: 'scanning',
        uploadedBy: 'attorney',
        uploaderEmail: 'ana.perez@example.org',
        uploadedAt: later(n * 1000).toISOString(),
        ...overrides,
      });

      it('stores documents under an open case, oldest first, and none past the limit, however many add at once', async () => {
        await store.createCase(caseRecord());
        const added = await Promise.all([1, 2, 3, 4, 5].map((n) => store.addDocument(document(n), 3)));
        expect(added.filter((a) => a === 'created')).toHaveLength(3);
        expect(added.filter((a) => a === 'full')).toHaveLength(2);
        const listed = await store.listDocuments(id);
        expect(listed).toHaveLength(3);
        expect(listed.map((d) => d.uploadedAt)).toEqual([...listed.map((d) => d.uploadedAt)].sort());
        expect(await store.getDocument(id, listed[0].documentId)).toEqual(listed[0]);
        expect(await store.getDocument(id, 'D-9999999999999999')).toBeUndefined();
        expect(await store.listDocuments('MR-NOPE0000')).toEqual([]);
      });

      it('refuses a document for a closed or missing case', async () => {
        expect(await store.addDocument(document(1), 20)).toBe('closed');
        await store.createCase(caseRecord());
        await store.closeCase(id, 'withdrawn', AT);
        expect(await store.addDocument(document(1), 20)).toBe('closed');
        expect(await store.listDocuments(id)).toEqual([]);
      });

      it('decides a scan once, from the status it is in', async () => {
        await store.createCase(caseRecord());
        await store.addDocument(document(1), 20);
        const d = document(1).documentId;
        expect(await store.settleDocument(id, d, 'scanning', 'available', AT)).toBe(true);
        expect(await store.settleDocument(id, d, 'scanning', 'rejected', AT, 'threat')).toBe(false);
        expect(await store.getDocument(id, d)).toMatchObject({ status: 'available', scannedAt: AT });
        expect(await store.settleDocument(id, d, 'available', 'rejected', AT, 'type_mismatch')).toBe(true);
        expect(await store.getDocument(id, d)).toMatchObject({ status: 'rejected', rejectedBecause: 'type_mismatch' });
        expect(await store.settleDocument(id, 'D-9999999999999999', 'scanning', 'available', AT)).toBe(false);
      });

      it("marks a case's documents to expire once: a second date changes nothing", async () => {
        await store.createCase(caseRecord());
        await store.addDocument(document(1), 20);
        await store.addDocument(document(2), 20);
        await store.expireDocuments(id, '2026-06-14T17:05:00.000Z');
        await store.expireDocuments(id, '2026-07-01T00:00:00.000Z');
        expect((await store.listDocuments(id)).map((d) => d.expiresAt)).toEqual(['2026-06-14T17:05:00.000Z', '2026-06-14T17:05:00.000Z']);
      });
    });

    describe('care after release: clinics, handoffs, care established', () => {
      const release = { releasedOn: '2026-05-20', state: 'TX', patientLanguage: 'es', smsConsent: true, zip: '78741' };
      const handoff = (number: number, clinicId = 'riverside') => ({ number, clinicId, clinicName: 'Riverside', at: AT, by: 'staff:c' });

      it('replaces the whole clinic directory and lists it by id', async () => {
        await store.replaceClinics([clinicEntry({ id: 'b' }), clinicEntry({ id: 'a', email: undefined })]);
        expect((await store.clinics()).map((c) => c.id)).toEqual(['a', 'b']);
        expect((await store.clinics())[1]).toEqual(clinicEntry({ id: 'b' }));
        await store.replaceClinics([clinicEntry({ id: 'c' })]);
        expect((await store.clinics()).map((c) => c.id)).toEqual(['c']);
        await store.replaceClinics([]);
        expect(await store.clinics()).toEqual([]);
      });

      it('records handoffs in order while released: the first, then one superseding it; a stale one is refused', async () => {
        const { referralId: id } = caseRecord();
        await store.createCase(caseRecord());
        expect(await store.recordHandoff(id, handoff(1))).toBe(false); // not released yet
        await store.releaseCase(id, release);
        expect(await store.recordHandoff(id, handoff(1))).toBe(true);
        expect(await store.recordHandoff(id, handoff(1, 'other'))).toBe(false);
        expect(await store.recordHandoff(id, handoff(2, 'other'))).toBe(true);
        expect(await store.recordHandoff(id, handoff(2, 'third'))).toBe(false);
        expect(await store.getCase(id)).toMatchObject({ handoff: handoff(2, 'other'), handoffNumber: 2, firstHandoffAt: AT });
      });

      it('updates the release of a released case only, and marks care established once', async () => {
        const { referralId: id } = caseRecord();
        await store.createCase(caseRecord());
        expect(await store.updateRelease(id, release)).toBe(false);
        expect(await store.markCareEstablished(id, AT)).toBe(false);
        await store.releaseCase(id, release);
        expect(await store.updateRelease(id, { ...release, zip: '77081', needs: ['prenatal'] })).toBe(true);
        expect(await store.markCareEstablished(id, AT)).toBe(true);
        expect(await store.markCareEstablished(id, later(HOUR).toISOString())).toBe(false);
        expect(await store.getCase(id)).toMatchObject({ release: { zip: '77081', needs: ['prenatal'] }, careEstablishedAt: AT });
      });

      it('finds the case of the latest handoff to a phone number', async () => {
        expect(await store.handoffByPhone('+15125550177')).toBeUndefined();
        await store.setHandoffPhone('+15125550177', 'MR-CASE0001');
        await store.setHandoffPhone('+15125550177', 'MR-CASE0002');
        expect(await store.handoffByPhone('+15125550177')).toBe('MR-CASE0002');
      });
    });
  });
}
