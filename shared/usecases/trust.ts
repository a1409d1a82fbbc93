import type { Config } from '../config.js';
import type { Ports } from '../deps.js';
import { holdNoticeEmail, newSubmitterDigest } from '../domain/messages.js';
import type { Urgency } from '../domain/triage.js';
import type { CaseRecord, Status } from '../domain/types.js';
import { CaseNotFoundError, CaseStateError } from '../domain/errors.js';
import { SET_ASIDE } from '../domain/lanes.js';
import { emailCoordinators } from '../messaging.js';
import { submitterOf, type Admission, type DailyCount, type StorePort, type TrustedEntry } from '../store/port.js';

const DIGEST_PERIOD_MS = 15 * 60_000;

type AdmitPorts = {
  store: StorePort;
  config: Pick<Config, 'URGENT_PER_SUBMITTER_PER_DAY' | 'URGENT_PER_DOMAIN_PER_DAY' | 'ROUTINE_PER_SUBMITTER_PER_DAY'>;
};

/** An admission that stands only if the case is counted against `counts` as it is stored (`createCounted`); `over` when they have no room. */
export type CountedAdmission = Admission & { counts?: DailyCount[]; over?: Admission };

/**
 * What a signed-in attorney's referral becomes. The reads that do not depend on each other (the approved
 * list; the keyed hash, then the duplicate index) run at once. The daily allowances are not read: they are
 * counted as the case is stored (one write), and only when they count; a full one stores it as `over`.
 * 1. an attorney not approved (neither the address nor its exact domain on the list): urgent →
 *    `held`/new_submitter, routine → `awaiting_review` set aside (new_submitter): no doctor is paged or
 *    mailed until a coordinator approves it
 * 2. an open case with the same A-number that a vetted attorney or a coordinator stands behind (a new
 *    attorney's case never counts) → urgent `held`/duplicate, routine `awaiting_review` set aside
 * 3. urgent beyond the attorney's or the domain's daily allowance → `held`/submitter_limit
 * 4. routine beyond the attorney's daily allowance → `awaiting_review`/routine_limit (no offers)
 * 5. otherwise urgent → `paging`, routine → `awaiting_review`
 * The submitter cannot tell any hold from review (`publicStatus`).
 */
export async function admit(
  c: { referralId: string; email: string; urgency: Urgency; aNumberHash: Promise<string> },
  p: AdmitPorts,
): Promise<CountedAdmission & { aNumberHash: string }> {
  const email = c.email.toLowerCase();
  const urgent = c.urgency === 'urgent';
  const domain = email.slice(email.lastIndexOf('@') + 1);
  const [approved, aNumberHash, others] = await Promise.all([
    p.store.onTrustedList(email),
    c.aNumberHash,
    c.aNumberHash.then((hash) => p.store.casesByANumberHash(hash)),
  ]);
  const duplicateOf = others.find((o) => o.referralId !== c.referralId && o.status !== 'closed' && vetted(o))?.referralId;
  const admitted = (a: CountedAdmission) => ({ ...a, aNumberHash });
  if (!approved) {
    const also = duplicateOf ? { duplicateOf } : {};
    return admitted({ status: urgent ? 'held' : 'awaiting_review', holdReason: 'new_submitter', ...also });
  }
  if (duplicateOf) {
    return admitted(urgent ? { status: 'held', holdReason: 'duplicate', duplicateOf } : { status: 'awaiting_review', duplicateOf });
  }
  const counts: DailyCount[] = urgent
    ? [
        { counter: 'urgent', owner: email, limit: p.config.URGENT_PER_SUBMITTER_PER_DAY },
        { counter: 'urgent_domain', owner: domain, limit: p.config.URGENT_PER_DOMAIN_PER_DAY },
      ]
    : [{ counter: 'routine', owner: email, limit: p.config.ROUTINE_PER_SUBMITTER_PER_DAY }];
  const over: Admission = urgent
    ? { status: 'held', holdReason: 'submitter_limit' }
    : { status: 'awaiting_review', holdReason: 'routine_limit' };
  return admitted({ status: urgent ? 'paging' : 'awaiting_review', counts, over });
}

/** A case someone trusted stands behind: not a new attorney's that no coordinator approved yet. */
const vetted = (c: Pick<CaseRecord, 'status' | 'holdReason'>) => c.holdReason !== 'new_submitter' && c.status !== 'awaiting_verification';

/** The coordinators' email about a case held at admission, or a routine duplicate set aside; once per case. */
export async function noticeHold(record: CaseRecord, p: Ports): Promise<void> {
  if (!(await p.store.markOnce(record.referralId, 'holdNotice', p.clock.now().toISOString()))) return;
  await emailCoordinators(
    holdNoticeEmail({ referralId: record.referralId, reason: record.holdReason ?? 'duplicate', duplicateOf: record.duplicateOf }),
    p,
  );
}

/**
 * A new attorney's referral was stored (from the table stream; safe to repeat): it joins the queue of the
 * coordinators' digest, which goes out at most once every 15 minutes (`sendDigest`).
 */
export async function noticeNewSubmitter(record: CaseRecord, p: Ports): Promise<void> {
  // queued, then marked: a crash between lists it at most twice, a repeat after the mark never again
  if (!record.holdNoticeAt) {
    await p.store.queueDigest(record.referralId);
    await p.store.markOnce(record.referralId, 'holdNotice', p.clock.now().toISOString());
  }
  await sendDigest(p);
}

/**
 * The coordinators' digest of new attorneys' referrals still queued (email only, ids only): when one went
 * out in the last 15 minutes, a schedule at the end of the current quarter hour tries again (one per
 * quarter hour, by its name), so a queued referral is always listed, and no digest follows another within
 * 15 minutes. A failed send leaves the queue as it is (the caller's retry, or the schedule, lists it).
 */
export async function sendDigest(p: Pick<Ports, 'store' | 'clock' | 'email' | 'scheduler'>): Promise<void> {
  const referralIds = await p.store.digestQueue();
  if (!referralIds.length) return;
  const now = p.clock.now();
  if (!(await p.store.claimAlert('new-submitter-digest', now, DIGEST_PERIOD_MS))) {
    const next = (Math.floor(now.getTime() / DIGEST_PERIOD_MS) + 1) * DIGEST_PERIOD_MS;
    await p.scheduler.create(`digest-new-submitters-${next / 1000}`, new Date(next), { kind: 'digest' });
    return;
  }
  await emailCoordinators(newSubmitterDigest({ referralIds }), p);
  await p.store.clearDigest(referralIds);
}

/**
 * `POST /api/staff/referrals/{id}/approve`: a held case (or, set aside in review, a new attorney's routine
 * case; or one stored awaiting verification before sign-in existed) proceeds: urgent → `paging`, routine →
 * `awaiting_review` with its offers; recorded with who approved. `trustSubmitter` also puts the attorney's
 * email on the approved list. Any other case → 409. Paging starts from the table stream (the change into
 * `paging`), resuming at the wave the case was held in.
 */
export async function approveCase(
  referralId: string,
  actor: string,
  p: Pick<Ports, 'store' | 'clock' | 'config'>,
  options: { trustSubmitter?: boolean } = {},
): Promise<{ status: Status }> {
  const record = await p.store.getCase(referralId);
  if (!record) throw new CaseNotFoundError();
  const setAside = record.status === 'awaiting_review' ? SET_ASIDE.find((h) => h === record.holdReason) : undefined;
  if (record.status !== 'awaiting_verification' && record.status !== 'held' && !setAside) {
    throw new CaseStateError(`only a held case (or a routine case set aside in review) can be approved; this one is ${record.status}`);
  }
  const now = p.clock.now();
  const status = record.urgency === 'urgent' ? 'paging' : 'awaiting_review';
  const resumeWave = status === 'paging' && record.wave > 0;
  const moved = await p.store.approveCase(referralId, {
    from: record.status,
    ...(setAside ? { fromHold: setAside } : {}),
    to: status,
    by: actor,
    at: now.toISOString(),
    nextWaveAt: resumeWave ? new Date(now.getTime() + p.config.WAVE_MINUTES * 60_000).toISOString() : undefined,
  });
  if (!moved) throw new CaseStateError('the case changed meanwhile; reload it');
  if (options.trustSubmitter) await trustSubmitter({ email: submitterOf(record) }, actor, p);
  await p.store.addEvent(referralId, {
    at: now.toISOString(),
    event: 'approved',
    actor,
    details: { from: record.status, status, ...(options.trustSubmitter ? { attorneyApproved: true } : {}) },
  });
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

/** Removes an entry from the approved list. */
export async function untrustSubmitter(target: TrustTarget, p: Pick<Ports, 'store'>): Promise<void> {
  await p.store.deleteTrusted(normalized(target));
}

export async function listTrusted(p: Pick<Ports, 'store'>): Promise<TrustedEntry[]> {
  const items = await p.store.listTrusted();
  return items.map(({ email, domain, addedBy, addedAt }) => ({ ...(email ? { email } : { domain }), addedBy, addedAt }));
}

function normalized(t: TrustTarget): { email?: string; domain?: string } {
  return 'email' in t ? { email: t.email.trim().toLowerCase() } : { domain: t.domain.trim().toLowerCase().replace(/^@/, '') };
}
