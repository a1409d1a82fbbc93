/** Every key of the single table, built in one place. */
export const keys = {
  case: (referralId: string) => ({ pk: `REF#${referralId}`, sk: 'REF' }),
  event: (referralId: string, at: string) => ({ pk: `REF#${referralId}`, sk: `EV#${at}#${Math.random().toString(36).slice(2, 8)}` }),
  /** A once-only event: its key is fixed, so a repeat is caught by a condition. */
  onceEvent: (referralId: string, at: string, event: string) => ({ pk: `REF#${referralId}`, sk: `EV#${at}#${event}` }),
  offer: (referralId: string, doctorId: string) => ({ pk: `REF#${referralId}`, sk: `OFFER#${doctorId}` }),
  offerPointer: (offerId: string) => ({ pk: `OFFER#${offerId}`, sk: 'OFFER' }),
  code: (doctorId: string, code: string) => ({ pk: `DOC#${doctorId}`, sk: `CODE#${code}` }),
  reminder: (referralId: string, step: string) => ({ pk: `REF#${referralId}`, sk: `REM#${step}` }),
  doctor: (id: string) => ({ pk: 'ROSTER', sk: `DOC#${id}` }),
  coordinator: (id: string) => ({ pk: 'ROSTER', sk: `COORD#${id}` }),
  shift: (startIso: string, doctorId: string) => ({ pk: 'ROSTER', sk: `SHIFT#${startIso}#${doctorId}` }),
  clinic: (id: string) => ({ pk: 'CLINICS', sk: `CLINIC#${id}` }),
  /** A released patient's number → the case of their latest handoff (check-in replies are matched by it). */
  handoffPhone: (phone: string) => ({ pk: `PATIENT#${phone}`, sk: 'HANDOFF' }),
  channel: (address: string) => ({ pk: `CHANNEL#${address}`, sk: 'CHANNEL' }),
  /** The trusted list: one partition, `email:<address>` or `domain:<domain>`. */
  trusted: (entry: { email?: string; domain?: string }) => ({
    pk: 'TRUSTED',
    sk: entry.email ? `email:${entry.email}` : `domain:${entry.domain}`,
  }),
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
