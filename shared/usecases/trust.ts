import type { Ports } from '../deps.js';
import { awaitingVerificationNotice, holdNoticeEmail, verificationEmail } from '../domain/messages.js';
import type { Urgency } from '../domain/triage.js';
import type { CaseRecord, Status } from '../domain/types.js';
import { CaseNotFoundError, CaseStateError, LinkInvalidError, LinkUsedError } from '../domain/errors.js';
import { emailCoordinators } from '../messaging.js';
import type { Clock } from '../ports.js';
import { submitterOf, type Admission, type StorePort, type TrustedEntry } from '../store/port.js';
import { hashToken, newToken } from '../tokens.js';

const HOUR_MS = 3_600_000;
export const VERIFICATION_TOKEN_HOURS = 24;
export const VERIFIED_DAYS = 180;

/** A trusted address: verified in the last 180 days, or it or its domain is on the trusted list. */
export async function isTrusted(email: string, p: { store: StorePort; clock: Clock }): Promise<boolean> {
  const address = email.toLowerCase();
  const [listed, until] = await Promise.all([p.store.onTrustedList(address), p.store.verifiedUntil(address)]);
  return listed || (until !== undefined && until > p.clock.now().toISOString());
}

/**
 * What a referral from a trusted submitter becomes (at intake, or when its address is verified):
 * 1. an open case with the same A-number (a case awaiting verification does not count: a stranger's
 *    unverified referral must not hold a real one) → urgent `held`/duplicate, routine `awaiting_review`
 *    set aside for coordinators; the submitter cannot tell either from any other case
 * 2. urgent beyond the submitter's daily limit → `held`/submitter_limit
 * 3. otherwise urgent → `paging`, routine → `awaiting_review`
 */
export async function admit(
  c: { referralId: string; email: string; urgency: Urgency; aNumberHash?: string },
  p: { store: StorePort; clock: Clock; config: { URGENT_PER_SUBMITTER_PER_DAY: number } },
): Promise<Admission> {
  const urgent = c.urgency === 'urgent';
  if (c.aNumberHash) {
    const open = (await p.store.casesByANumberHash(c.aNumberHash)).find(
      (o) => o.referralId !== c.referralId && o.status !== 'closed' && o.status !== 'awaiting_verification',
    );
    if (open)
      return urgent
        ? { status: 'held', holdReason: 'duplicate', duplicateOf: open.referralId }
        : { status: 'awaiting_review', duplicateOf: open.referralId };
  }
  if (
    urgent &&
    !(await p.store.takeUrgentSlot(c.email.toLowerCase(), c.referralId, p.config.URGENT_PER_SUBMITTER_PER_DAY, p.clock.now()))
  ) {
    return { status: 'held', holdReason: 'submitter_limit' };
  }
  return { status: urgent ? 'paging' : 'awaiting_review' };
}

/**
 * A referral from an address that is not trusted was stored (from the table stream; safe to repeat).
 * 1. the address gets one verification email per hour at most, however many referrals arrive at once:
 *    a conditional claim decides; a failed send gives the claim back and fails (the stream retries)
 * 2. urgent: the coordinators get an email notice (never an SMS) that it awaits verification
 * Nothing else goes to the address: no receipt, no outcome link.
 */
export async function onAwaitingVerification(record: CaseRecord, p: Ports): Promise<void> {
  const email = submitterOf(record);
  const now = p.clock.now();
  if (await p.store.claimVerificationEmail(email, now, HOUR_MS)) {
    const token = newToken();
    await p.store.putVerifyToken(hashToken(token), email, new Date(now.getTime() + VERIFICATION_TOKEN_HOURS * HOUR_MS));
    try {
      await p.email.send({
        to: [record.referral.attorney.email],
        ...verificationEmail({ url: `${p.config.BASE_URL}/verify#token=${token}` }),
      });
    } catch (error) {
      await p.store.releaseVerificationEmail(email, now);
      throw error;
    }
    await p.store.addEvent(record.referralId, { at: now.toISOString(), event: 'verification_sent' });
  }
  if (record.urgency === 'urgent' && (await claimNotice(record, 'verificationNotice', p))) {
    await emailCoordinators(awaitingVerificationNotice({ referralId: record.referralId }), p);
  }
}

/** The coordinators' email about a case held at admission, or a routine duplicate set aside; once per case. */
export async function noticeHold(record: CaseRecord, p: Ports): Promise<void> {
  if (!(await claimNotice(record, 'holdNotice', p))) return;
  await emailCoordinators(
    holdNoticeEmail({ referralId: record.referralId, reason: record.holdReason ?? 'duplicate', duplicateOf: record.duplicateOf }),
    p,
  );
}

/** Claims a one-time notice of the case (only one caller sends it). */
async function claimNotice(
  record: CaseRecord,
  mark: 'holdNotice' | 'verificationNotice',
  p: Pick<Ports, 'store' | 'clock'>,
): Promise<boolean> {
  return p.store.markOnce(record.referralId, mark, p.clock.now().toISOString());
}

/**
 * `POST /api/submitters/verify`: the address of a valid, unused, unexpired token becomes trusted for
 * 180 days (renewed by each verification), and every referral of that address waiting for verification
 * proceeds as if it had just arrived from a trusted submitter. Wrong token → 403, used or expired → 410.
 * The cases move by a conditional status change; the table stream then pages or offers them and sends
 * their receipts.
 */
export async function verifySubmitter(
  token: string,
  p: Pick<Ports, 'store' | 'clock' | 'config'>,
): Promise<{ verified: true; referralIds: string[] }> {
  const now = p.clock.now();
  const used = await p.store.useVerifyToken(hashToken(token), now);
  if (used.result === 'unknown') throw new LinkInvalidError('verification');
  if (used.result !== 'ok') throw new LinkUsedError('this verification link was already used or has expired');
  const { email } = used;
  await p.store.setVerified(email, new Date(now.getTime() + VERIFIED_DAYS * 24 * HOUR_MS).toISOString());
  const referralIds: string[] = [];
  for (const referralId of await p.store.waitingReferrals(email)) {
    const record = await p.store.getCase(referralId);
    if (record?.status === 'awaiting_verification') {
      const admission = await admit({ referralId, email, urgency: record.urgency, aNumberHash: record.aNumberHash }, p);
      if (await p.store.admitCase(referralId, admission)) {
        referralIds.push(referralId);
        await p.store.addEvent(referralId, { at: now.toISOString(), event: 'submitter_verified', details: { status: admission.status } });
      }
    }
    await p.store.deleteWaiting(email, referralId);
  }
  return { verified: true, referralIds };
}

/**
 * `POST /api/staff/referrals/{id}/approve`: a case awaiting verification or held proceeds (urgent →
 * `paging`, routine → `awaiting_review`), its waves no longer held by the page budget; recorded with
 * who approved. Any other status → 409. Paging starts from the table stream (the change into `paging`),
 * resuming at the wave the case was held in.
 */
export async function approveCase(
  referralId: string,
  actor: string,
  p: Pick<Ports, 'store' | 'clock' | 'config'>,
): Promise<{ status: Status }> {
  const record = await p.store.getCase(referralId);
  if (!record) throw new CaseNotFoundError();
  if (record.status !== 'awaiting_verification' && record.status !== 'held') {
    throw new CaseStateError(`only a case awaiting verification or held can be approved; this one is ${record.status}`);
  }
  const now = p.clock.now();
  const status = record.urgency === 'urgent' ? 'paging' : 'awaiting_review';
  const resumeWave = status === 'paging' && record.wave > 0;
  const moved = await p.store.approveCase(referralId, {
    from: record.status,
    to: status,
    by: actor,
    at: now.toISOString(),
    nextWaveAt: resumeWave ? new Date(now.getTime() + p.config.WAVE_MINUTES * 60_000).toISOString() : undefined,
  });
  if (!moved) throw new CaseStateError('the case changed meanwhile; reload it');
  await p.store.addEvent(referralId, { at: now.toISOString(), event: 'approved', actor, details: { from: record.status, status } });
  return { status };
}

// ---- the trusted list ---------------------------------------------------------------------------

export type TrustTarget = { email: string } | { domain: string };

/** `ana@x.org` is an address; `x.org` or `@x.org` a domain. Lower-cased. */
export function trustTarget(value: string): TrustTarget {
  const v = value.trim().toLowerCase();
  return v.includes('@') && !v.startsWith('@') ? { email: v } : { domain: v.replace(/^@/, '') };
}

export async function trustSubmitter(target: TrustTarget, actor: string, p: Pick<Ports, 'store' | 'clock'>): Promise<TrustedEntry> {
  const entry: TrustedEntry = { ...normalized(target), addedBy: actor, addedAt: p.clock.now().toISOString() };
  await p.store.putTrusted(entry);
  return entry;
}

/** Removes an entry from the trusted list; an address also loses its verification (it must verify again). */
export async function untrustSubmitter(target: TrustTarget, p: Pick<Ports, 'store'>): Promise<void> {
  const t = normalized(target);
  await p.store.deleteTrusted(t);
  if ('email' in t && t.email) await p.store.deleteVerified(t.email);
}

export async function listTrusted(p: Pick<Ports, 'store'>): Promise<TrustedEntry[]> {
  const items = await p.store.listTrusted();
  return items.map(({ email, domain, addedBy, addedAt }) => ({ ...(email ? { email } : { domain }), addedBy, addedAt }));
}

function normalized(t: TrustTarget): { email?: string; domain?: string } {
  return 'email' in t ? { email: t.email.trim().toLowerCase() } : { domain: t.domain.trim().toLowerCase().replace(/^@/, '') };
}
