import { beforeEach, describe, expect, it } from 'vitest';
import { LinkExpiredError, LinkInvalidError, LinkUsedError, OfferNotFoundError } from '../../shared/domain/errors.js';
import { SMS_REPLIES } from '../../shared/domain/messages.js';
import { handleInboundSms } from '../../shared/usecases/inbound-sms.js';
import { acceptOffer, declineOffer, offerForToken } from '../../shared/usecases/offers.js';
import { runWave } from '../../shared/usecases/paging.js';
import { closeCase } from '../../shared/usecases/release.js';
import { caseRecord } from '../fixtures/case.js';
import { coordinatorEntry, doctorEntry, parsedRoster, shiftEntry } from '../fixtures/roster.js';
import { testPorts, type TestPorts } from '../support/fakes.js';

const ANA = doctorEntry();
const BEN = doctorEntry({ id: 'd-ben', name: 'Dr. Ben Ortiz', email: 'ben@example.org', phone: '+15125550102' });
const CY = doctorEntry({ id: 'd-cy', name: 'Dr. Cy Wu', email: 'cy@example.org', phone: '+15125550103' });
const LEE = coordinatorEntry();
const ID = caseRecord().referralId;

let p: TestPorts;
/** Ana and Ben are paged in wave 1 (primaries), Cy is the backup for wave 2. */
beforeEach(async () => {
  p = await testPorts({
    roster: parsedRoster({
      doctors: [ANA, BEN, CY],
      coordinators: [LEE],
      shifts: [shiftEntry(), shiftEntry({ doctorId: 'd-ben' }), shiftEntry({ doctorId: 'd-cy', role: 'backup' })],
    }),
  });
  await p.store.createCase(caseRecord());
  await runWave(ID, 1, p);
  p.clock.advance(1);
});

const offerOf = async (doctorId: string) => (await p.store.getOffer(ID, doctorId))!;
/** The link token in the doctor's offer SMS. */
const smsToken = (phone: string) => /#token=([\w-]+)/.exec(p.outbox.sms.to(phone)[0])![1];

describe('accepting', () => {
  it('gives the case to one of two doctors accepting at once; the other learns it was taken', async () => {
    const [ana, ben] = await Promise.all([offerOf('d-ana'), offerOf('d-ben')]);
    const outcomes = await Promise.all([acceptOffer(ana, p), acceptOffer(ben, p)]);

    expect(outcomes.sort()).toEqual(['accepted', 'taken']);
    const winner = outcomes[0] === 'accepted' ? 'd-ana' : 'd-ben';
    expect(await p.store.getCase(ID)).toMatchObject({ status: 'assigned', assignedDoctorId: winner });
    expect((await p.store.listOffers(ID)).filter((o) => o.state === 'accepted').map((o) => o.doctorId)).toEqual([winner]);
    expect((await p.store.timeline(ID)).filter((e) => e.event === 'accepted')).toHaveLength(1);
  });

  it('answers the winner the same when they accept again, even with the offer as it was read before', async () => {
    const ana = await offerOf('d-ana');
    expect(await acceptOffer(ana, p)).toBe('accepted');
    expect(await acceptOffer(ana, p)).toBe('already_yours');
    expect(await acceptOffer(await offerOf('d-ana'), p)).toBe('already_yours');
  });

  it('answers closed for a case that was closed', async () => {
    await closeCase(ID, 'withdrawn', 'staff:lee', p);
    expect(await acceptOffer(await offerOf('d-ana'), p)).toBe('closed');
    expect((await p.store.getCase(ID))?.assignedDoctorId).toBeUndefined();
  });
});

describe('declining', () => {
  it('records the decline once; the doctor who accepted is told so', async () => {
    const ana = await offerOf('d-ana');
    expect(await declineOffer(ana, 'travelling', p)).toBe('declined');
    expect(await declineOffer(ana, undefined, p)).toBe('closed');
    expect(await offerOf('d-ana')).toMatchObject({ state: 'declined', declineReason: 'travelling' });

    const ben = await offerOf('d-ben');
    await acceptOffer(ben, p);
    expect(await declineOffer(ben, undefined, p)).toBe('accepted');
    expect(await declineOffer(await offerOf('d-ben'), undefined, p)).toBe('accepted');
  });

  it('starts the next wave at once when every doctor of the current wave declined', async () => {
    await declineOffer(await offerOf('d-ana'), undefined, p);
    expect((await p.store.getCase(ID))?.wave).toBe(1);
    await declineOffer(await offerOf('d-ben'), undefined, p);

    expect((await p.store.getCase(ID))?.wave).toBe(2);
    expect(p.outbox.sms.to(CY.phone)).toHaveLength(1);
    expect(p.scheduler.names()).toEqual([`wave3-${ID}`]);
  });
});

describe('the offer link', () => {
  it('opens the offer with the token of either channel, and no other', async () => {
    const ana = await offerOf('d-ana');
    const emailToken = /#token=([\w-]+)/.exec(p.outbox.email.to(ANA.email)[0].text)![1];
    expect((await offerForToken(ana.offerId, smsToken(ANA.phone), p)).doctorId).toBe('d-ana');
    expect((await offerForToken(ana.offerId, emailToken, p)).doctorId).toBe('d-ana');
    await expect(offerForToken(ana.offerId, smsToken(BEN.phone), p)).rejects.toBeInstanceOf(LinkInvalidError);
    await expect(offerForToken(ana.offerId, undefined, p)).rejects.toBeInstanceOf(LinkInvalidError);
    await expect(offerForToken('no-such-offer', smsToken(ANA.phone), p)).rejects.toBeInstanceOf(OfferNotFoundError);
  });

  it('is used up by a decline and expires after its days, except for the doctor who accepted', async () => {
    const [ana, ben] = [await offerOf('d-ana'), await offerOf('d-ben')];
    await declineOffer(ben, undefined, p);
    await expect(offerForToken(ben.offerId, smsToken(BEN.phone), p)).rejects.toBeInstanceOf(LinkUsedError);

    await acceptOffer(ana, p);
    p.clock.advance(4 * 24 * 60);
    expect((await offerForToken(ana.offerId, smsToken(ANA.phone), p)).state).toBe('accepted');
    await p.store.createCase(caseRecord({ referralId: 'MR-OTHER000' }));
    await runWave('MR-OTHER000', 1, p);
    const other = (await p.store.getOffer('MR-OTHER000', 'd-ben'))!;
    const token = /#token=([\w-]+)/.exec(p.outbox.sms.to(BEN.phone).at(-1)!)![1];
    p.clock.advance(3 * 24 * 60 + 1);
    await expect(offerForToken(other.offerId, token, p)).rejects.toBeInstanceOf(LinkExpiredError);
  });
});

describe('answers by SMS', () => {
  it('accepts with YES and the code, and tells the other doctor the case is taken', async () => {
    const { code } = await offerOf('d-ana');
    expect(await handleInboundSms('(512) 555-0101', `yes ${code}`, p)).toEqual([{ to: ANA.phone, body: SMS_REPLIES.accepted(ID) }]);
    const ben = await offerOf('d-ben');
    expect(await handleInboundSms(BEN.phone, `YES ${ben.code}`, p)).toEqual([{ to: BEN.phone, body: SMS_REPLIES.taken(ID) }]);
    expect((await p.store.getCase(ID))?.assignedDoctorId).toBe('d-ana');
  });

  it('takes a bare YES only with exactly one open offer', async () => {
    await p.store.createCase(caseRecord({ referralId: 'MR-OTHER000' }));
    await runWave('MR-OTHER000', 1, p);
    expect(await handleInboundSms(ANA.phone, 'YES', p)).toEqual([{ to: ANA.phone, body: SMS_REPLIES.askCode() }]);
    await declineOffer((await p.store.getOffer('MR-OTHER000', 'd-ana'))!, undefined, p);
    expect(await handleInboundSms(ANA.phone, 'YES', p)).toEqual([{ to: ANA.phone, body: SMS_REPLIES.accepted(ID) }]);
  });

  it('answers an unknown code, and a stranger, without changing anything', async () => {
    expect(await handleInboundSms(ANA.phone, 'NO 0000', p)).toEqual([{ to: ANA.phone, body: SMS_REPLIES.unknownCode('0000') }]);
    expect(await handleInboundSms('+15125550000', 'YES 1234', p)).toEqual([{ to: '+15125550000', body: SMS_REPLIES.help() }]);
    expect((await p.store.listOffers(ID)).map((o) => o.state)).toEqual(['open', 'open']);
  });

  it('stops every SMS to a number that replied STOP until it replies START', async () => {
    await handleInboundSms(BEN.phone, 'STOP', p);
    expect(await p.store.isUnusable(`sms:${BEN.phone}`)).toBe(true);
    expect(p.outbox.email.subjects(LEE.email)).toContain(
      'Staffing: Dr. Ben Ortiz (d-ben) replied STOP: no more SMS will be sent to this number',
    );

    await p.store.createCase(caseRecord({ referralId: 'MR-OTHER000' }));
    const before = p.outbox.sms.to(BEN.phone).length;
    await runWave('MR-OTHER000', 1, p);
    expect(p.outbox.sms.to(BEN.phone)).toHaveLength(before);
    expect(await p.store.getOffer('MR-OTHER000', 'd-ben')).toMatchObject({ sms: 'skipped', email: 'sent' });

    await handleInboundSms(BEN.phone, 'START', p);
    expect(p.outbox.sms.to(BEN.phone).at(-1)).toBe(SMS_REPLIES.started());
  });
});
