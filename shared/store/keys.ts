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
  /** A case document (its file name is data in the item, never a key). */
  document: (referralId: string, documentId: string) => ({ pk: `REF#${referralId}`, sk: `DOC#${documentId}` }),
  /** How many documents a case was given: the per-case limit holds under concurrent uploads. */
  documentCount: (referralId: string) => ({ pk: `REF#${referralId}`, sk: 'DOCS' }),
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
  /** An attorney's rolling-day allowances: per address (lower-case) `URGENT_WINDOW` and `ROUTINE_WINDOW`, per domain `URGENT_WINDOW`. */
  dailyWindow: (counter: 'urgent' | 'urgent_domain' | 'routine', owner: string) =>
    counter === 'urgent_domain'
      ? { pk: `DOMAIN#${owner}`, sk: 'URGENT_WINDOW' }
      : { pk: `SUBMITTER#${owner}`, sk: counter === 'urgent' ? 'URGENT_WINDOW' : 'ROUTINE_WINDOW' },
  /** New attorneys' referrals not yet listed in a coordinators' digest. */
  digest: () => ({ pk: 'DIGEST', sk: 'NEW_SUBMITTERS' }),
  pageBudget: () => ({ pk: 'BUDGET', sk: 'PAGES' }),
  /** Once-per-period coordinator alerts (e.g. the page budget). */
  alert: (name: string) => ({ pk: 'ALERT', sk: name }),
  /** The one SMS of a kind a phone number gets on a program day. */
  dailySms: (kind: string, phone: string, day: string) => ({ pk: `SMSDAY#${phone}`, sk: `${kind}#${day}` }),
};
