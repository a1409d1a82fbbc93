/**
 * The doctor's offer page, `/offers/{offerId}#token=…`. Opening it only reads the case summary
 * (mail scanners pre-fetch links); accepting or declining happens only on a tap.
 */
import { lastPathSegment, postJson, takeTokenFromHash, type ApiResult } from './lib/api.js';
import { languageName } from './lib/i18n.js';

const RISKS: Record<string, string> = {
  pregnancy: 'pregnancy',
  postpartum: 'recently gave birth',
  cancer: 'cancer',
  suicidal_ideation: 'suicidal thoughts',
  tuberculosis: 'tuberculosis',
  recent_hospitalization: 'recent hospital stay',
  medication_interrupted: 'medication interrupted',
  hunger_strike: 'hunger strike',
};
const REASONS: Record<string, string> = {
  attorney_marked_urgent: 'The attorney marked it urgent',
  deadline_within_7_days: 'Deadline within 7 days',
  age_55_plus_chronic: 'Age 55 or older with a chronic condition',
  minor: 'The client is a minor',
};
const SPECIALTIES: Record<string, string> = {
  general: 'General',
  pediatrics: 'Pediatrics',
  psychiatry: 'Psychiatry',
  obstetrics: 'Obstetrics',
  infectious_disease: 'Infectious disease',
  internal_medicine: 'Internal medicine',
};
const SERVICES: Record<string, string> = {
  record_review: 'Medical record review',
  declaration: 'Medical declaration',
  psychological_evaluation: 'Psychological evaluation',
  physical_evaluation: 'Physical evaluation',
  release_planning: 'Release planning',
};
const STATES: Record<string, string> = {
  open: 'Open: waiting for a doctor',
  accepted_by_you: 'Accepted by you',
  taken: 'Accepted by another doctor',
  closed: 'Closed',
};

type Tone = 'ok' | 'info' | 'warn' | 'bad';
const MESSAGES: Record<string, [Tone, string, string]> = {
  accepted: [
    'ok',
    'You have the case',
    'Thank you. Check your email: the introduction with the attorney’s name, email and phone is on its way.',
  ],
  declined: ['info', 'You declined this case', 'Thank you for answering. We will ask other doctors.'],
  taken: ['info', 'Another doctor already accepted', 'This case has a doctor now. Thank you for answering so quickly.'],
  closed: ['info', 'This case is closed', 'It no longer needs a doctor. Thank you.'],
  gone: ['warn', 'This link was used or has expired', 'It cannot be used again. If you still want to help, contact the coordinator.'],
  forbidden: ['bad', 'This link is not valid', 'Open the link from your SMS or email again, exactly as it was sent.'],
  notFound: ['bad', 'We could not find this offer', 'Open the link from your SMS or email again, exactly as it was sent.'],
  noToken: ['bad', 'This link is incomplete', 'Open the link from your SMS or email again; the part after # is needed.'],
  notSent: ['warn', 'Not sent', 'The server or the connection failed, so nothing changed. Try again.'],
};

const offerId = lastPathSegment();
const token = takeTokenFromHash();
const $ = <T extends HTMLElement>(selector: string) => document.querySelector<T>(selector)!;
const offer = $('#offer');
const choices = $('#choices');
const declineForm = $<HTMLFormElement>('#decline-form');

function showMessage(name: string, referralId?: string): void {
  const [tone, title, text] = MESSAGES[name] ?? ['bad', 'Something went wrong', `Error ${name}.`];
  const box = $('#message');
  box.className = `panel ${tone}`;
  $('#message-title').textContent = referralId ? `${title} (${referralId})` : title;
  $('#message-text').textContent = text;
  // the doctor who has the case reads it, and its records, on their own page
  const caseLink = $('#case-link');
  caseLink.hidden = name !== 'accepted' || !referralId;
  if (referralId) caseLink.querySelector('a')!.href = `/cases/#${encodeURIComponent(referralId)}`;
  box.hidden = false;
  box.focus();
}

/** The message for an error answer, or `undefined` for a 200. */
function errorMessage(res: ApiResult): string | undefined {
  if (res.status === 200) return undefined;
  if (res.status === 409) return 'taken';
  if (res.status === 410) return 'gone';
  if (res.status === 403) return 'forbidden';
  if (res.status === 404) return 'notFound';
  if (res.status === 0 || res.status >= 500) return 'notSent';
  return String(res.status);
}

function setBusy(busy: boolean): void {
  for (const b of offer.querySelectorAll('button')) b.disabled = busy;
}

function formatDate(date: unknown): string {
  if (typeof date !== 'string' || !date) return 'None given';
  const d = new Date(`${date}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? date : d.toLocaleDateString('en-US', { timeZone: 'UTC', dateStyle: 'full' });
}

const list = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);
const reasonText = (r: string) => (r.startsWith('risk:') ? `Risk: ${RISKS[r.slice(5)] ?? r.slice(5)}` : (REASONS[r] ?? r));

function showSummary(s: Record<string, unknown>): void {
  const urgent = s.urgency === 'urgent';
  const badge = document.createElement('span');
  badge.className = urgent ? 'badge urgent' : 'badge';
  badge.textContent = urgent ? 'Urgent' : 'Routine';
  $('#f-urgency').replaceChildren(badge);
  $('#f-referralId').textContent = String(s.referralId ?? '');
  $('#f-reasons').textContent = list(s.reasons).map(reasonText).join('; ') || '—';
  $('#f-specialty').textContent = SPECIALTIES[String(s.specialty)] ?? String(s.specialty ?? '—');
  $('#f-language').textContent = typeof s.language === 'string' ? languageName(s.language, 'en') : '—';
  $('#f-services').textContent =
    list(s.services)
      .map((v) => SERVICES[v] ?? v)
      .join(', ') || '—';
  $('#f-deadline').textContent = formatDate(s.deadline);
  $('#f-state').textContent = STATES[String(s.state)] ?? String(s.state ?? '');
  offer.hidden = false;
  choices.hidden = s.state !== 'open';
  if (s.state === 'accepted_by_you') showMessage('accepted', String(s.referralId ?? ''));
  else if (s.state === 'taken') showMessage('taken');
  else if (s.state === 'closed') showMessage('closed');
}

async function load(): Promise<void> {
  if (!token || !offerId) {
    $('#loading').hidden = true;
    return showMessage('noToken');
  }
  const res = await postJson(`/api/offers/${encodeURIComponent(offerId)}`, { token });
  $('#loading').hidden = true;
  const error = errorMessage(res);
  if (error) return showMessage(error);
  showSummary(res.body);
}

async function answer(action: 'accept' | 'decline', extra: Record<string, string> = {}): Promise<void> {
  setBusy(true);
  const res = await postJson(`/api/offers/${encodeURIComponent(offerId)}/${action}`, { token, ...extra });
  setBusy(false);
  const error = errorMessage(res);
  if (error === 'notSent') return showMessage(error); // nothing changed: the buttons stay
  choices.hidden = true;
  declineForm.hidden = true;
  if (error) return showMessage(error);
  $('#f-state').textContent = action === 'accept' ? STATES.accepted_by_you : 'Declined by you';
  showMessage(action === 'accept' ? 'accepted' : 'declined', typeof res.body.referralId === 'string' ? res.body.referralId : undefined);
}

$('#accept').addEventListener('click', () => void answer('accept'));
$('#decline').addEventListener('click', () => {
  choices.hidden = true;
  declineForm.hidden = false;
  $('#decline-reason').focus();
});
$('#decline-cancel').addEventListener('click', () => {
  declineForm.hidden = true;
  choices.hidden = false;
  $('#decline').focus();
});
declineForm.addEventListener('submit', (ev) => {
  ev.preventDefault();
  const reason = $<HTMLTextAreaElement>('#decline-reason').value.trim();
  void answer('decline', reason ? { reason } : {});
});

void load();
