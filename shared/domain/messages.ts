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
function message(subject: string, paragraphs: string[]): Message {
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
