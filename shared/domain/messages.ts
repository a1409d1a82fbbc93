/**
 * Every SMS and email the system sends. Bodies carry ids, urgency codes, links and contact details of
 * professionals only: never a client's name, A-number, date of birth, facility or medical text.
 */

export interface Message {
  subject: string;
  text: string;
  html: string;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** A link to one of the program's own pages: the only thing a message ever renders as `<a href>`. */
export interface Link {
  readonly link: string;
}
export const link = (url: string): Link => ({ link: url });

/**
 * A submitter's validated email address given as a contact: verbatim in the text part (the reader needs to
 * write to it), defused in the HTML part, where mail clients would otherwise turn it into a link.
 */
export interface Address {
  readonly address: string;
}
export const address = (email: string): Address => ({ address: email });

type Part = string | Link | Address;
/** A paragraph: plain text (never linked, whatever it looks like), or text, links and addresses in a row. */
export type Paragraph = string | Part[];

/** Builds text and HTML from paragraphs; all text is escaped in the HTML part and only `link()` parts become links. */
export function message(subject: string, paragraphs: Paragraph[]): Message {
  const parts = paragraphs.map((p) => (typeof p === 'string' ? [p] : p));
  const asText = (x: Part) => (typeof x === 'string' ? x : 'link' in x ? x.link : x.address);
  const asHtml = (x: Part) =>
    typeof x === 'string'
      ? escapeHtml(x)
      : 'link' in x
        ? `<a href="${escapeHtml(x.link)}">${escapeHtml(x.link)}</a>`
        : escapeHtml(defused(x.address));
  return {
    subject,
    text: parts.map((p) => p.map(asText).join('')).join('\n\n'),
    html: `<!doctype html><html><body>${parts.map((p) => `<p>${p.map(asHtml).join('')}</p>`).join('')}</body></html>`,
  };
}

/**
 * Text a submitter typed, defused so that no mail client turns it into a link: the colon after a URL scheme
 * becomes `[:]`, `@` becomes `[at]` and the dots of anything shaped like a domain become `[.]`.
 * `Ana Pérez, https://evil.example/login` reads `Ana Pérez, https[:]//evil[.]example/login`.
 */
export function defused(value: string): string {
  return value
    .replace(/([a-z][a-z0-9+.-]*):(?=\/\/)/gi, '$1[:]')
    .replace(/\b(mailto|tel|sms|callto|javascript|data|file):/gi, '$1[:]')
    .replace(/@/g, '[at]')
    .replace(/[\p{L}\p{N}_-]+(?:\.[\p{L}\p{N}_-]+)*\.[\p{L}]{2,}\b/gu, (domain) => domain.replace(/\./g, '[.]'));
}

/**
 * What the receipt says happens next: it depends on the public status only (`paging` or
 * `awaiting_review`), so a held case's receipt is word for word any reviewed case's, whatever the hold.
 */
export function receiptEmail(p: { referralId: string; paging: boolean; outcomeUrl: string; pageUrl: string }): Message {
  return message(`Referral ${p.referralId} received`, [
    `Your referral was received. Reference: ${p.referralId}.`,
    p.paging
      ? 'Volunteer doctors are being paged now. You will get an email introducing the doctor who accepts.'
      : 'The program reviews this referral and finds a volunteer doctor. You will get an email introducing the doctor who accepts.',
    [`When your client's custody status changes (parole granted or denied, transfer, removal), report it here: `, link(p.outcomeUrl)],
    [
      'Follow this referral, and send its medical records to the doctor who accepts, on your page (sign in with this email): ',
      link(p.pageUrl),
    ],
    'Please do not email medical records: upload them on your page, where only the accepting doctor can read them.',
  ]);
}

export interface PartyContact {
  name: string;
  email: string;
  phone: string;
}

interface OfferFacts {
  referralId: string;
  urgency: string;
  specialty: string;
  code: string;
  url: string;
}

const label = (urgency: string) => (urgency === 'urgent' ? 'URGENT ' : '');
const specialtyNote = (specialty: string) => (specialty === 'general' ? '' : ` (${specialty.replace(/_/g, ' ')})`);

export function offerSms(o: OfferFacts): string {
  return (
    `medreview: ${label(o.urgency)}case ${o.referralId} needs a volunteer doctor${specialtyNote(o.specialty)}. ` +
    `Reply YES ${o.code} to accept or NO ${o.code} to decline. Details: ${o.url}`
  );
}

export function offerEmail(o: OfferFacts): Message {
  return message(`${label(o.urgency)}Medical review request ${o.referralId}`, [
    `A detained person needs a volunteer medical review${specialtyNote(o.specialty)}. Reference: ${o.referralId}.`,
    ['See the case summary and accept or decline here: ', link(o.url)],
    `You can also reply to our SMS with YES ${o.code} to accept or NO ${o.code} to decline.`,
    'No personal or medical details are sent by email or SMS; the attorney shares records with you directly once you accept.',
  ]);
}

export function noLongerNeededSms(referralId: string): string {
  return `medreview: case ${referralId} was accepted by another doctor. No action needed. Thank you.`;
}

export function noLongerNeededEmail(referralId: string): Message {
  return message(`Case ${referralId}: no longer needed`, [
    `Case ${referralId} was accepted by another doctor. No action is needed. Thank you for being on call.`,
  ]);
}

/** The attorney's name, organization and email are the submitter's own text: defused, never linked. */
export function introToDoctor(p: { referralId: string; attorney: PartyContact & { organization?: string }; caseUrl: string }): Message {
  const { name, organization, email, phone } = p.attorney;
  return message(`You accepted ${p.referralId}: the attorney's contact`, [
    `Thank you for accepting case ${p.referralId}.`,
    [`Attorney: ${defused(name)}${organization ? `, ${defused(organization)}` : ''}. Email: `, address(email), `. Phone: ${phone}.`],
    ["Read the patient's details and the records, and upload your declaration, on your page (sign in with this email): ", link(p.caseUrl)],
    'Do not send clinical details or documents by email or SMS.',
  ]);
}

export function introToAttorney(p: { referralId: string; doctor: PartyContact; pageUrl: string }): Message {
  return message(`A doctor accepted referral ${p.referralId}`, [
    `${p.doctor.name} accepted your referral ${p.referralId}.`,
    `Email: ${p.doctor.email}. Phone: ${p.doctor.phone}.`,
    ["Upload your client's medical records for the doctor on your page (sign in with this email): ", link(p.pageUrl)],
    'Please do not send records by plain email or SMS.',
  ]);
}

export function caseNoticeEmail(p: { referralId: string; urgency: string; paged: number }): Message {
  return message(`New ${p.urgency} case ${p.referralId}`, [
    `Case ${p.referralId} was received (${p.urgency}). ${p.paged} doctor(s) were offered the case.`,
    p.urgency === 'urgent'
      ? 'Doctors are being paged in waves; coordinators are paged by SMS only if nobody accepts.'
      : 'Routine case: doctors got email offers; please review unassigned routine cases daily.',
  ]);
}

export function escalationSms(referralId: string): string {
  return `medreview: URGENT case ${referralId} has no doctor after every wave. Please find a volunteer now.`;
}

export function escalationEmail(referralId: string): Message {
  return message(`URGENT: no doctor for case ${referralId}`, [
    `No doctor accepted urgent case ${referralId} after every paging wave. Offers stay open, but please find a volunteer now.`,
  ]);
}

export function staffingEmail(p: { who: string; event: string }): Message {
  return message(`Staffing: ${p.who} ${p.event}`, [
    `${p.who} ${p.event}. Check the roster (medreview roster check) for coverage gaps and unreachable doctors.`,
  ]);
}

export const SMS_REPLIES = {
  accepted: (id: string) => `medreview: you accepted case ${id}. Check your email for the attorney's contact details.`,
  alreadyYours: (id: string) => `medreview: case ${id} is already yours. Check your email for the attorney's contact details.`,
  taken: (id: string) => `medreview: case ${id} was already accepted by another doctor. Thank you.`,
  declined: (id: string) => `medreview: you declined case ${id}. Thank you.`,
  closed: (id: string) => `medreview: the offer for case ${id} is closed. No action needed.`,
  tryAgain: (id: string) => `medreview: we could not record your answer for case ${id} just now. Please try again in a minute.`,
  unknownCode: (code: string) => `medreview: no open offer has code ${code}. Reply HELP for how to answer.`,
  askCode: () => 'medreview: you have several open offers. Reply YES followed by the 4-digit code of the one you accept, e.g. YES 1234.',
  noOffers: () => 'medreview: you have no open offers right now.',
  help: () => 'medreview: reply YES <code> to accept an offer or NO <code> to decline it (e.g. YES 1234). Reply STOP to stop SMS.',
  stopped: () => 'medreview: you will get no more SMS from us. Reply START to receive them again.',
  started: () => 'medreview: SMS are on again.',
};

// ---- trust and budgets ------------------------------------------------------------------------

/**
 * The coordinators' digest of referrals from attorneys not yet approved (at most one every 15 minutes):
 * ids only, never an SMS.
 */
export function newSubmitterDigest(p: { referralIds: string[] }): Message {
  const n = p.referralIds.length;
  return message(`${n} referral${n === 1 ? '' : 's'} from new attorneys to review`, [
    `Signed-in attorneys who are not on the approved list sent ${n === 1 ? 'this referral' : 'these referrals'}; no doctor was paged or mailed:`,
    p.referralIds.join(', '),
    'Review each in the console. Approve it to start paging (urgent) or offers (routine); tick "approve the attorney" to add their email to the list.',
  ]);
}

const HOLD_TEXT: Record<string, string> = {
  submitter_limit: 'this attorney, or their email domain, reached the daily limit of urgent referrals that page doctors by themselves',
  duplicate: 'another open case has the same A-number',
  page_budget: 'the hourly page budget is used up',
};

/** The coordinators' email about a case held (or, routine, set aside) for them. */
export function holdNoticeEmail(p: { referralId: string; reason: string; duplicateOf?: string }): Message {
  return message(`Case ${p.referralId} is held for a coordinator`, [
    `Case ${p.referralId} was not offered to doctors: ${HOLD_TEXT[p.reason] ?? p.reason}${p.duplicateOf ? ` (${p.duplicateOf})` : ''}.`,
    'Review it in the console; approve it to start paging, or close it.',
  ]);
}

export function pageBudgetSms(referralId: string): string {
  return `medreview: page budget reached; urgent case ${referralId} and any more this hour are held, not paged. Please review held cases now.`;
}

export function pageBudgetEmail(p: { referralId: string; budget: number }): Message {
  return message('Page budget reached: urgent cases are held', [
    `More than ${p.budget} doctor pages would have gone out within an hour, so urgent case ${p.referralId} was held instead of paged.`,
    'Until the hour has passed, further urgent waves are held too. Review held cases in the console and approve those that are real; an approved case pages at once.',
  ]);
}

const KIND_LABEL: Record<string, string> = {
  medical_record: 'medical record',
  declaration: 'declaration',
  evaluation: 'evaluation',
  other: 'document',
};

/** The other side of a case hears that a document is ready: its kind and the case, never its file name. */
export function documentAddedEmail(p: { referralId: string; kind: string; url: string }): Message {
  return message(`Case ${p.referralId}: a new document`, [
    `A new ${KIND_LABEL[p.kind] ?? 'document'} was added to case ${p.referralId}.`,
    ['Sign in to read it: ', link(p.url)],
    'Documents are shared only through this page, never by email.',
  ]);
}

const REJECT_TEXT: Record<string, string> = {
  threat: 'the malware scan found a threat in it',
  type_mismatch: 'its contents are not the file type it was uploaded as',
  scan_failed: 'it could not be scanned',
};

/** The uploader hears that a file was refused and deleted: the case and why, never the file's name. */
export function documentRejectedEmail(p: { referralId: string; reason: string; url: string }): Message {
  return message(`Case ${p.referralId}: an upload was not accepted`, [
    `A file you uploaded to case ${p.referralId} was not accepted: ${REJECT_TEXT[p.reason] ?? 'it could not be checked'}. It was deleted and nobody can download it.`,
    ['Please upload the document again (a PDF, JPEG, PNG or HEIC file) here: ', link(p.url)],
  ]);
}
