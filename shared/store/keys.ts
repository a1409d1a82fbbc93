/** Every key of the single table, built in one place. */
export const keys = {
  case: (referralId: string) => ({ pk: `REF#${referralId}`, sk: 'REF' }),
  event: (referralId: string, at: string) => ({ pk: `REF#${referralId}`, sk: `EV#${at}#${Math.random().toString(36).slice(2, 8)}` }),
  offer: (referralId: string, doctorId: string) => ({ pk: `REF#${referralId}`, sk: `OFFER#${doctorId}` }),
  offerPointer: (offerId: string) => ({ pk: `OFFER#${offerId}`, sk: 'OFFER' }),
  code: (doctorId: string, code: string) => ({ pk: `DOC#${doctorId}`, sk: `CODE#${code}` }),
  reminder: (referralId: string, step: string) => ({ pk: `REF#${referralId}`, sk: `REM#${step}` }),
  doctor: (id: string) => ({ pk: 'ROSTER', sk: `DOC#${id}` }),
  coordinator: (id: string) => ({ pk: 'ROSTER', sk: `COORD#${id}` }),
  shift: (startIso: string, doctorId: string) => ({ pk: 'ROSTER', sk: `SHIFT#${startIso}#${doctorId}` }),
  channel: (address: string) => ({ pk: `CHANNEL#${address}`, sk: 'CHANNEL' }),
  /** The trusted list: one partition, `email:<address>` or `domain:<domain>`. */
  trusted: (entry: string) => ({ pk: 'TRUSTED', sk: entry }),
  /** Per attorney email (lower-case): verification, the verification-email claim, waiting referrals, the urgent window. */
  verified: (email: string) => ({ pk: `SUBMITTER#${email}`, sk: 'VERIFIED' }),
  verificationSent: (email: string) => ({ pk: `SUBMITTER#${email}`, sk: 'VERIFY_SENT' }),
  waiting: (email: string, referralId: string) => ({ pk: `SUBMITTER#${email}`, sk: `WAIT#${referralId}` }),
  urgentWindow: (email: string) => ({ pk: `SUBMITTER#${email}`, sk: 'URGENT_WINDOW' }),
  /** A verification token, found by its hash (the token itself is never stored). */
  verifyToken: (tokenHash: string) => ({ pk: `VERIFY#${tokenHash}`, sk: 'VERIFY' }),
  pageBudget: () => ({ pk: 'BUDGET', sk: 'PAGES' }),
  /** Once-per-period coordinator alerts (e.g. the page budget). */
  alert: (name: string) => ({ pk: 'ALERT', sk: name }),
};

/**
 * The index of cases by creation date, bucketed by UTC month (`createdMonth` = `2026-11`, `createdKey` =
 * `<createdAt>#<referralId>`): a range of days reads only the months it touches, so metrics and the CSV
 * cost what the range holds, never a table scan. It projects the fields those reports need and no PHI.
 */
export const CREATED_INDEX = {
  name: 'created',
  partitionKey: 'createdMonth',
  sortKey: 'createdKey',
  projected: ['referralId', 'status', 'urgency', 'reasons', 'createdAt', 'assignedAt', 'closedAt', 'outcome', 'holdReason'],
} as const;

export const createdIndexKeys = (createdAt: string, referralId: string) => ({
  [CREATED_INDEX.partitionKey]: createdAt.slice(0, 7),
  [CREATED_INDEX.sortKey]: `${createdAt}#${referralId}`,
});
