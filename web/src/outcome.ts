/**
 * The attorney's outcome page, `/outcome/{referralId}#token=…`: reports parole granted (with the release
 * details), parole denied, transfer or removal. Nothing is sent until the attorney presses the button.
 */
import * as z from '../../shared/zod.js';
import { fieldErrors } from '../../shared/domain/referral.js';
import { ATTORNEY_RELEASE_DAYS, releaseSchema } from '../../shared/domain/reminders.js';
import { lastPathSegment, postJson, problemErrors, takeTokenFromHash } from './lib/api.js';
import { ErrorView, readBody, type FieldError } from './lib/form.js';
import { setupLangToggle, type Dict, type Lang } from './lib/i18n.js';
import { fillStateSelects, languagePicker, withLanguageChoice } from './lib/widgets.js';

/**
 * The browser's check of the answers, with the API's own release schema. The API checks again and has
 * the last word; its 422 errors are shown the same way.
 */
const required = (message: string) => (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : message);
const today = new Date().toLocaleDateString('en-CA'); // YYYY-MM-DD in the browser's zone
const outcomeSchema = z.discriminatedUnion(
  'outcome',
  [
    z.strictObject({ outcome: z.literal('parole_granted'), release: releaseSchema(today, ATTORNEY_RELEASE_DAYS) }),
    z.strictObject({ outcome: z.enum(['parole_denied', 'transferred', 'removed']) }),
  ],
  { error: required('must be one of the choices') },
);

const ES: Dict = {
  'page.title': 'Informar el resultado del caso',
  brand: 'Revisión Médica para Inmigrantes',
  intro: 'Remisión',
  noscript: 'Esta página necesita JavaScript para enviar.',
  outcome: '¿Qué pasó?',
  'opt.parole_granted': 'Liberado con parole',
  'opt.parole_denied': 'Parole negado',
  'opt.transferred': 'Trasladado a otro centro',
  'opt.removed': 'Deportado de Estados Unidos',
  'opt.choose': 'Elija…',
  'section.release': 'Datos de la liberación',
  'release.releasedOn': 'Fecha de liberación',
  'release.state': 'Estado al que va el cliente',
  'release.city': 'Ciudad (opcional)',
  'release.patientPhone': 'Teléfono del cliente (opcional)',
  'hint.patientPhone': 'Un número móvil de EE. UU., para recordatorios de seguimiento por SMS (puede omitir +1).',
  'release.patientLanguage': 'Idioma del cliente para los recordatorios',
  'hint.language': 'Escriba unas letras del nombre del idioma, en español o en inglés, y elíjalo de la lista.',
  'release.smsConsent': 'Recordatorios por SMS',
  'release.smsConsent.text': 'El cliente acepta recibir recordatorios por SMS sobre su atención de seguimiento.',
  'page.link': 'Vea esta remisión, su médico y sus documentos en su página',
};

const TEXT: Record<Lang, Dict> = {
  en: {
    submit: 'Send outcome',
    sending: 'Sending…',
    problem: 'There is a problem',
    fix: 'Check these fields, then send again:',
    saved: 'Thank you, the outcome was recorded',
    savedText: 'The program team has been told.',
    savedRelease: 'The program team has been told, and follow-up reminders are scheduled.',
    forbidden: 'This link is not valid. Open the link from your receipt email again, exactly as it was sent.',
    gone: 'This link has expired or can no longer be used. Please contact the program.',
    notFound: 'We could not find this referral. Open the link from your receipt email again.',
    noToken: 'This link is incomplete. Open the link from your receipt email again; the part after # is needed.',
    notSent: 'The outcome was not sent: the server or the connection failed. Your answers are still here; send again.',
    refused: 'The outcome could not be recorded. Please contact the program.',
    conflict: 'Another outcome was already recorded for this referral. To change it, please contact the program.',
  },
  es: {
    submit: 'Enviar resultado',
    sending: 'Enviando…',
    problem: 'Hay un problema',
    fix: 'Revise estos campos y vuelva a enviar:',
    saved: 'Gracias, el resultado quedó registrado',
    savedText: 'El equipo del programa ya fue informado.',
    savedRelease: 'El equipo del programa ya fue informado y los recordatorios de seguimiento están programados.',
    forbidden: 'Este enlace no es válido. Abra otra vez el enlace de su correo de confirmación, tal como llegó.',
    gone: 'Este enlace venció o ya no se puede usar. Comuníquese con el programa.',
    notFound: 'No encontramos esta remisión. Abra otra vez el enlace de su correo de confirmación.',
    noToken: 'Este enlace está incompleto. Abra otra vez el enlace de su correo de confirmación; se necesita la parte después de #.',
    notSent: 'El resultado no se envió: falló el servidor o la conexión. Sus respuestas siguen aquí; vuelva a enviar.',
    refused: 'No se pudo registrar el resultado. Comuníquese con el programa.',
    conflict: 'Ya se registró otro resultado para esta remisión. Para cambiarlo, comuníquese con el programa.',
  },
};

const referralId = lastPathSegment();
const token = takeTokenFromHash();
const form = document.querySelector<HTMLFormElement>('#outcome-form')!;
const release = document.querySelector<HTMLFieldSetElement>('#release')!;
const submit = document.querySelector<HTMLButtonElement>('#submit')!;
const done = document.querySelector<HTMLElement>('#done')!;
const errors = new ErrorView(form, document.querySelector<HTMLElement>('#summary')!);
const language = languagePicker('release-patientLanguage');

/** What the page shows besides the form, kept so a language switch can redraw it. */
type Shown =
  | { kind: 'none' }
  | { kind: 'problem'; text?: string; errors?: FieldError[] }
  | { kind: 'done'; text: string; release: boolean };
let shown: Shown = { kind: 'none' };
let lang: Lang = 'en';
let sending = false;

function render(focus = false): void {
  const t = TEXT[lang];
  submit.textContent = sending ? t.sending : t.submit;
  if (shown.kind === 'problem') errors.show({ title: t.problem, text: shown.text && t[shown.text], errors: shown.errors }, lang, focus);
  else errors.clear();
  form.hidden = shown.kind === 'done' || !token;
  done.hidden = shown.kind !== 'done';
  if (shown.kind === 'done') {
    done.className = shown.text === 'saved' ? 'panel ok' : 'panel bad';
    document.querySelector('#done-title')!.textContent = shown.text === 'saved' ? t.saved : t.problem;
    document.querySelector('#done-text')!.textContent =
      shown.text === 'saved' ? (shown.release ? t.savedRelease : t.savedText) : t[shown.text];
    if (focus) done.focus();
  }
}

function show(next: Shown): void {
  shown = next;
  render(true);
}

/** Server paths may name release fields with or without the `release.` prefix. */
const withPrefix = (e: FieldError): FieldError =>
  ['outcome', 'token', 'release'].includes(e.path.split('.')[0]) ? e : { ...e, path: `release.${e.path}` };

async function send(): Promise<void> {
  const body = readBody(form);
  const checked = outcomeSchema.safeParse(body);
  const pickLanguage = !release.disabled && language.unresolved;
  if (!checked.success || pickLanguage) {
    const found = checked.success ? [] : fieldErrors(checked.error);
    return show({
      kind: 'problem',
      text: 'fix',
      errors: pickLanguage ? withLanguageChoice(found, language, 'release.patientLanguage') : found,
    });
  }

  sending = true;
  submit.disabled = true;
  render();
  const res = await postJson(`/api/referrals/${encodeURIComponent(referralId)}/outcome`, { token, ...body });
  sending = false;
  submit.disabled = false;

  const isRelease = body.outcome === 'parole_granted';
  if (res.status === 200) show({ kind: 'done', text: 'saved', release: isRelease });
  else if (res.status === 422) show({ kind: 'problem', text: 'fix', errors: problemErrors(res.body).map(withPrefix) });
  else if (res.status === 403) show({ kind: 'done', text: 'forbidden', release: isRelease });
  else if (res.status === 410) show({ kind: 'done', text: 'gone', release: isRelease });
  else if (res.status === 404) show({ kind: 'done', text: 'notFound', release: isRelease });
  else if (res.status === 409) show({ kind: 'done', text: 'conflict', release: isRelease });
  else if (res.status === 0 || res.status >= 500) show({ kind: 'problem', text: 'notSent' });
  else show({ kind: 'problem', text: 'refused' });
}

form.addEventListener('change', () => {
  const granted = form.querySelector<HTMLInputElement>('input[name="outcome"]:checked')?.value === 'parole_granted';
  release.disabled = !granted;
  release.hidden = !granted;
});
form.addEventListener('submit', (ev) => {
  ev.preventDefault();
  if (!sending) void send();
});

document.querySelector('#referral-id')!.textContent = referralId;
fillStateSelects();
lang = setupLangToggle(document.querySelector<HTMLButtonElement>('#lang-toggle')!, ES, (next) => {
  lang = next;
  // the attorney's own page at this referral (signed in), in the same language
  document.querySelector<HTMLAnchorElement>('#page-link')!.href =
    `/referrals/${lang === 'es' ? '?lang=es' : ''}#${encodeURIComponent(referralId)}`;
  language.setLang(lang);
  render();
});
if (!token) show({ kind: 'done', text: 'noToken', release: false });
