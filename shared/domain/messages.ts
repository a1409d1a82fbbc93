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

/** Builds text and HTML from paragraphs; every interpolated value is escaped in the HTML part. */
export function message(subject: string, paragraphs: string[]): Message {
  return {
    subject,
    text: paragraphs.join('\n\n'),
    html: `<!doctype html><html><body>${paragraphs.map((p) => `<p>${linkify(escapeHtml(p))}</p>`).join('')}</body></html>`,
  };
}

function linkify(escaped: string): string {
  return escaped.replace(/https?:\/\/[^\s<]+/g, (url) => `<a href="${url}">${url}</a>`);
}

export function receiptEmail(p: { referralId: string; urgency: string; outcomeUrl: string }): Message {
  return message(`Referral ${p.referralId} received`, [
    `Your referral was received. Reference: ${p.referralId}. Triage: ${p.urgency}.`,
    p.urgency === 'urgent'
      ? 'Volunteer doctors are being paged now. You will get an email introducing the doctor who accepts.'
      : 'A volunteer doctor will review the request. You will get an email introducing the doctor who accepts.',
    `When your client's custody status changes (parole granted or denied, transfer, removal), report it here: ${p.outcomeUrl}`,
    'Please do not reply with medical records; the doctor will arrange a secure exchange with you directly.',
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
  return `medreview: ${label(o.urgency)}case ${o.referralId} needs a volunteer doctor${specialtyNote(o.specialty)}. ` +
    `Reply YES ${o.code} to accept or NO ${o.code} to decline. Details: ${o.url}`;
}

export function offerEmail(o: OfferFacts): Message {
  return message(`${label(o.urgency)}Medical review request ${o.referralId}`, [
    `A detained person needs a volunteer medical review${specialtyNote(o.specialty)}. Reference: ${o.referralId}.`,
    `See the case summary and accept or decline here: ${o.url}`,
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

export function introToDoctor(p: { referralId: string; attorney: PartyContact & { organization?: string } }): Message {
  return message(`You accepted ${p.referralId}: the attorney's contact`, [
    `Thank you for accepting case ${p.referralId}.`,
    `Attorney: ${p.attorney.name}${p.attorney.organization ? `, ${p.attorney.organization}` : ''}. Email: ${p.attorney.email}. Phone: ${p.attorney.phone}.`,
    'Please contact the attorney to arrange the exchange of records through a secure channel. Do not send clinical details by email or SMS.',
  ]);
}

export function introToAttorney(p: { referralId: string; doctor: PartyContact }): Message {
  return message(`A doctor accepted referral ${p.referralId}`, [
    `${p.doctor.name} accepted your referral ${p.referralId}.`,
    `Email: ${p.doctor.email}. Phone: ${p.doctor.phone}.`,
    'Please share records with the doctor through a secure channel, not by plain email or SMS.',
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
