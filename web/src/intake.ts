/**
 * The attorney's referral form. The attorney signs in first (the external user pool: an emailed code);
 * then the form checks the answers with the API's own schema and POSTs them to /api/referrals with the
 * ID token and one Idempotency-Key per form, kept across retries until the referral is received. A
 * sign-in that ended while the attorney typed is renewed in a popup, the answers staying on the page.
 */
import type { User } from 'oidc-client-ts';
import { COUNTRY_CODES } from '../../shared/domain/codes.js';
import { fieldErrors, referralSchema } from '../../shared/domain/referral.js';
import { postJson, problemErrors } from './lib/api.js';
import { SignIn } from './lib/auth.js';
import { ErrorView, readBody, type FieldError } from './lib/form.js';
import { fill, localToday, setupLangToggle, type Dict, type Lang } from './lib/i18n.js';
import { fillStateSelects, languagePicker, newIdempotencyKey, withLanguageChoice } from './lib/widgets.js';

/** Spanish for the `data-i18n` texts of index.html. */
const ES: Dict = {
  'page.title': 'Remisión para revisión médica',
  brand: 'Revisión Médica para Inmigrantes',
  intro:
    'Para abogados de inmigración: remita a un cliente detenido con necesidades de salud urgentes a un médico voluntario. Todos los campos son obligatorios salvo los que dicen (opcional).',
  noscript: 'Este formulario necesita JavaScript para enviarse.',
  'signin.title': 'Inicie sesión con su correo electrónico',
  'signin.text':
    'Inicie sesión antes de remitir a un cliente: le enviamos por correo un código de 6 dígitos, sin contraseña. Después se abre el formulario.',
  'signin.button': 'Iniciar sesión con su correo',
  'account.signout': 'Cerrar sesión',
  'hint.attorney.email': 'La dirección con la que inició sesión.',
  'success.title': 'Remisión recibida',
  'success.ref': 'Su número de referencia:',
  'success.keep': 'Guarde este número. Le llegará un correo de confirmación con un enlace para informar el resultado del caso.',
  'success.again': 'Enviar otra remisión',
  'section.attorney': 'Abogado/a',
  'attorney.name': 'Su nombre completo',
  'attorney.organization': 'Organización (opcional)',
  'attorney.email': 'Correo electrónico',
  'attorney.phone': 'Teléfono',
  'hint.attorney.phone': 'Los números de EE. UU. pueden omitir +1.',
  'attorney.barNumber': 'Número de colegiatura (opcional)',
  'attorney.barState': 'Estado de la colegiatura (opcional)',
  'attorney.g28Filed': '¿Presentó un formulario G-28 para este cliente?',
  'opt.yes': 'Sí',
  'opt.no': 'No',
  'opt.choose': 'Elija…',
  'section.client': 'Cliente',
  'client.givenName': 'Nombre(s)',
  'client.familyName': 'Apellido(s)',
  'client.aNumber': 'Número A',
  'hint.client.aNumber': '8 o 9 dígitos, por ejemplo A012-345-678.',
  'client.dateOfBirth': 'Fecha de nacimiento',
  'client.countryOfBirth': 'País de nacimiento',
  'client.language': 'Idioma preferido del cliente',
  'hint.language': 'Escriba unas letras del nombre del idioma, en español o en inglés, y elíjalo de la lista.',
  'client.interpreterNeeded': '¿El cliente necesita intérprete?',
  'section.custody': 'Detención',
  'custody.facilityName': 'Centro de detención',
  'custody.facilityState': 'Estado del centro',
  'custody.fieldOffice': 'Oficina local de ICE (opcional)',
  'custody.detainedSince': 'Detenido desde (opcional)',
  'section.medical': 'Salud',
  'medical.concern': 'Problema de salud',
  'hint.medical.concern': '¿Cuál es el problema de salud y por qué es urgente? Al menos 10 caracteres.',
  'medical.riskFactors': 'Factores de riesgo (opcional)',
  'hint.checkAll': 'Marque todos los que correspondan.',
  'risk.pregnancy': 'Embarazo',
  'risk.postpartum': 'Parto reciente',
  'risk.chronic_heart': 'Enfermedad cardíaca crónica',
  'risk.chronic_lung': 'Enfermedad pulmonar crónica',
  'risk.diabetes': 'Diabetes',
  'risk.hiv': 'VIH',
  'risk.liver': 'Enfermedad del hígado',
  'risk.kidney': 'Enfermedad renal',
  'risk.cancer': 'Cáncer',
  'risk.immunocompromised': 'Sistema inmunitario debilitado',
  'risk.serious_mental_illness': 'Enfermedad mental grave',
  'risk.suicidal_ideation': 'Pensamientos suicidas',
  'risk.disability': 'Discapacidad',
  'risk.tuberculosis': 'Tuberculosis',
  'risk.recent_hospitalization': 'Hospitalización reciente',
  'risk.medication_interrupted': 'Medicación interrumpida',
  'risk.hunger_strike': 'Huelga de hambre',
  'medical.medications': 'Medicamentos actuales (opcional)',
  'medical.attorneyUrgency': '¿Qué tan urgente es?',
  'opt.routine': 'Rutinaria',
  'opt.urgent': 'Urgente: la salud del cliente está en riesgo ahora',
  'section.request': 'Qué necesita',
  'request.services': 'Servicios',
  'service.record_review': 'Revisión del expediente médico',
  'service.declaration': 'Declaración médica',
  'service.psychological_evaluation': 'Evaluación psicológica',
  'service.physical_evaluation': 'Evaluación física',
  'service.release_planning': 'Planificación de la liberación',
  'request.specialty': 'Especialidad del médico',
  'specialty.general': 'General (cualquier médico)',
  'specialty.pediatrics': 'Pediatría',
  'specialty.psychiatry': 'Psiquiatría',
  'specialty.obstetrics': 'Obstetricia',
  'specialty.infectious_disease': 'Enfermedades infecciosas',
  'specialty.internal_medicine': 'Medicina interna',
  'request.deadline': 'Fecha límite (opcional)',
  'hint.request.deadline': 'Por ejemplo, la fecha de la audiencia o de presentación.',
  consent: 'Consentimiento',
  'consent.text': 'Mi cliente autorizó que esta información se comparta con el programa y sus médicos voluntarios.',
};

/** Texts the script shows. */
const TEXT: Record<Lang, Dict> = {
  en: {
    submit: 'Send referral',
    sending: 'Sending…',
    problem: 'There is a problem',
    fix: 'Check these fields, then send again:',
    serverFix: 'The server did not accept these answers. Check these fields, then send again:',
    changed:
      'The server refused this attempt: the answers changed after an earlier attempt that may have arrived. Send again to send them as a new referral.',
    processing: 'This same referral is still being processed. Wait a few seconds and send again. It is safe: it will not be sent twice.',
    notSent:
      'The referral was not sent: the server or the connection failed. Your answers are still here. Send again when you are ready. It is safe: it will not be sent twice.',
    tooMany: 'Too many submissions from this connection. Wait a minute, then send again. It is safe: it will not be sent twice.',
    refused: 'The referral could not be accepted (error {status}). Please contact the program.',
    paging: 'Triaged as urgent: on-call volunteer doctors are being paged now.',
    review: 'The program team reviews it, then offers it to volunteer doctors.',
    received: 'Thank you, your referral was received.',
    signedInAs: 'Signed in as {email}',
    configFailed: 'Sign-in is not available right now. Reload the page in a moment.',
    signInFailed: 'The sign-in did not finish. Sign in again.',
    expiredTitle: 'Sign in again to send',
    expired:
      'Your sign-in has ended. Your answers are still here, on this page only. Sign in again in a small window, then send the referral.',
    popupFailed:
      'The sign-in window was closed or blocked before you signed in. Allow pop-ups for this site if you need to, then sign in again. Your answers are still here.',
    renewedTitle: 'Signed in again',
    renewed: 'You are signed in again as {email}. Your answers are still here: send the referral when you are ready.',
    reauth: 'Sign in again',
  },
  es: {
    submit: 'Enviar remisión',
    sending: 'Enviando…',
    problem: 'Hay un problema',
    fix: 'Revise estos campos y vuelva a enviar:',
    serverFix: 'El servidor no aceptó estas respuestas. Revise estos campos y vuelva a enviar:',
    changed:
      'El servidor rechazó este intento: las respuestas cambiaron después de un intento anterior que pudo haber llegado. Vuelva a enviar para mandarlas como una remisión nueva.',
    processing:
      'Esta misma remisión todavía se está procesando. Espere unos segundos y vuelva a enviarla. Es seguro: no se enviará dos veces.',
    notSent:
      'La remisión no se envió: falló el servidor o la conexión. Sus respuestas siguen aquí. Vuelva a enviarla cuando quiera. Es seguro: no se enviará dos veces.',
    tooMany: 'Demasiados envíos desde esta conexión. Espere un minuto y vuelva a enviar. Es seguro: no se enviará dos veces.',
    refused: 'No se pudo aceptar la remisión (error {status}). Comuníquese con el programa.',
    paging: 'Clasificada como urgente: ya se está avisando a los médicos voluntarios de guardia.',
    review: 'El equipo del programa la revisa y luego la ofrece a médicos voluntarios.',
    received: 'Gracias, recibimos su remisión.',
    signedInAs: 'Sesión iniciada como {email}',
    configFailed: 'El inicio de sesión no está disponible ahora. Vuelva a cargar la página en un momento.',
    signInFailed: 'El inicio de sesión no terminó. Vuelva a iniciar sesión.',
    expiredTitle: 'Vuelva a iniciar sesión para enviar',
    expired:
      'Su sesión terminó. Sus respuestas siguen aquí, solo en esta página. Vuelva a iniciar sesión en una ventana pequeña y luego envíe la remisión.',
    popupFailed:
      'La ventana de inicio de sesión se cerró o se bloqueó antes de terminar. Permita las ventanas emergentes de este sitio si hace falta y vuelva a iniciar sesión. Sus respuestas siguen aquí.',
    renewedTitle: 'Sesión iniciada de nuevo',
    renewed: 'Volvió a iniciar sesión como {email}. Sus respuestas siguen aquí: envíe la remisión cuando quiera.',
    reauth: 'Volver a iniciar sesión',
  },
};

const form = document.querySelector<HTMLFormElement>('#referral')!;
const submit = document.querySelector<HTMLButtonElement>('#submit')!;
const success = document.querySelector<HTMLElement>('#success')!;
const signInStep = document.querySelector<HTMLElement>('#signin')!;
const account = document.querySelector<HTMLElement>('#account')!;
const reauthBox = document.querySelector<HTMLElement>('#reauth')!;
const reauthButton = document.querySelector<HTMLButtonElement>('#reauth-button')!;
const emailInput = document.querySelector<HTMLInputElement>('#attorney-email')!;
const errors = new ErrorView(form, document.querySelector<HTMLElement>('#summary')!);
const language = languagePicker('client-language');

/** What the page shows besides the form, kept so a language switch can redraw it. */
type Shown =
  | { kind: 'none' }
  | { kind: 'problem'; text: string; status?: number; errors?: FieldError[] }
  | { kind: 'success'; referralId?: string; status?: string };

/** A sign-in that ended while the form was open: to renew, not renewed (popup closed), or renewed. */
type Renewal = 'none' | 'expired' | 'popupFailed' | 'renewed';

let lang: Lang = 'en';
let shown: Shown = { kind: 'none' };
let renewal: Renewal = 'none';
let sending = false;
let auth: SignIn | undefined;
let user: User | null = null;
/** One key per referral: the same across retries, a new one once the referral is received. */
let idempotencyKey = newIdempotencyKey();

const emailOf = (u: User | null) => (typeof u?.profile.email === 'string' ? u.profile.email : '');

function render(focus = false): void {
  const t = TEXT[lang];
  submit.textContent = sending ? t.sending : t.submit;
  signInStep.hidden = Boolean(user) || !auth;
  account.hidden = !user;
  document.querySelector('#account-text')!.textContent = fill(t.signedInAs, { email: emailOf(user) });
  if (shown.kind === 'problem') {
    const text = fill(t[shown.text], { status: String(shown.status ?? '') });
    errors.show({ title: t.problem, text, errors: shown.errors }, lang, focus);
  } else {
    errors.clear();
  }
  reauthBox.hidden = renewal === 'none' || shown.kind === 'success';
  if (renewal !== 'none') {
    document.querySelector('#reauth-title')!.textContent = renewal === 'renewed' ? t.renewedTitle : t.expiredTitle;
    document.querySelector('#reauth-text')!.textContent = fill(t[renewal], { email: emailOf(user) });
    reauthButton.textContent = t.reauth;
    reauthButton.hidden = renewal === 'renewed';
  }
  form.hidden = !user || shown.kind === 'success';
  success.hidden = shown.kind !== 'success';
  if (shown.kind === 'success') {
    document.querySelector('#success-ref')!.textContent = shown.referralId ?? '';
    // the answer says only `paging` or `awaiting_review`: nothing here tells a hold from any review
    document.querySelector('#success-status')!.textContent =
      shown.status === 'paging' ? t.paging : shown.status === 'awaiting_review' ? t.review : t.received;
    if (focus) success.focus();
  }
}

function show(next: Shown): void {
  shown = next;
  render(true);
}

/** The signed-in attorney: their address fills the form's email field, which they cannot change. */
function signedIn(next: User | null): void {
  user = next;
  emailInput.defaultValue = emailOf(user);
  emailInput.value = emailOf(user);
}

/** The sign-in ended: the answers stay; the attorney is asked to sign in again in a popup. */
function askToRenew(reason: Renewal): void {
  renewal = reason;
  render();
  reauthBox.focus();
}

async function send(): Promise<void> {
  const body = readBody(form);
  const checked = referralSchema(localToday()).safeParse(body);
  if (!checked.success || language.unresolved) {
    return show({
      kind: 'problem',
      text: 'fix',
      errors: withLanguageChoice(checked.success ? [] : fieldErrors(checked.error), language, 'client.language'),
    });
  }
  // a token with less than a minute left could expire on the way
  const current = await auth!.user(60);
  if (!current) return askToRenew('expired');
  (body.attorney as Record<string, unknown>).email = emailOf(current);

  sending = true;
  form.setAttribute('aria-busy', 'true');
  submit.disabled = true;
  render();
  const res = await postJson('/api/referrals', body, {
    Authorization: `Bearer ${current.id_token}`,
    'Idempotency-Key': idempotencyKey,
  });
  sending = false;
  form.removeAttribute('aria-busy');
  submit.disabled = false;

  if (res.status === 201 || res.status === 200 || res.status === 202) {
    const { referralId, status } = res.body;
    renewal = 'none';
    show({ kind: 'success', referralId: typeof referralId === 'string' ? referralId : undefined, status: String(status ?? '') });
  } else if (res.status === 401) {
    askToRenew('expired');
  } else if (res.status === 422) {
    // Either field errors (nothing was created) or this key was used with other answers: the next
    // attempt is a new submission, with a new key.
    idempotencyKey = newIdempotencyKey();
    const fields = problemErrors(res.body);
    show({ kind: 'problem', text: fields.length > 0 ? 'serverFix' : 'changed', errors: fields });
  } else if (res.status === 409) {
    show({ kind: 'problem', text: 'processing' });
  } else if (res.status === 429) {
    show({ kind: 'problem', text: 'tooMany' });
  } else if (res.status === 0 || res.status >= 500) {
    show({ kind: 'problem', text: 'notSent' });
  } else {
    show({ kind: 'problem', text: 'refused', status: res.status });
  }
}

form.addEventListener('submit', (ev) => {
  ev.preventDefault();
  if (!sending) void send();
});

document.querySelector('#again')!.addEventListener('click', () => {
  form.reset();
  idempotencyKey = newIdempotencyKey();
  shown = { kind: 'none' };
  render();
  form.querySelector<HTMLInputElement>('input:not([readonly])')?.focus();
});

document.querySelector('#signin-button')!.addEventListener('click', () => {
  void auth?.signIn(lang, { lang });
});

document.querySelector('#signout')!.addEventListener('click', () => {
  void auth?.signOut({ lang });
});

reauthButton.addEventListener('click', () => {
  // straight from the click, so the browser lets the popup open
  auth!
    .signInPopup({ lang, email: emailOf(user) })
    .then((next) => {
      signedIn(next);
      renewal = 'renewed';
      render();
      submit.focus();
    })
    .catch(() => askToRenew('popupFailed'));
});

/**
 * Loads where to sign in and finishes a sign-in whose answer is in the address: a redirect's (the
 * language it started in comes back with it), or a popup's (handed to the page that opened it).
 * False when this page is such a popup.
 */
async function startSignIn(): Promise<boolean> {
  try {
    auth = await SignIn.load({ config: '/auth/config.json', callback: `${location.origin}/`, home: `${location.origin}/` });
  } catch {
    return true;
  }
  if (!SignIn.isAnswer()) {
    signedIn(await auth.user());
    return true;
  }
  try {
    const returned = await auth.finish();
    if (!returned) return false;
    signedIn(returned);
    history.replaceState(null, '', returned.state === 'es' ? '/?lang=es' : '/');
  } catch {
    history.replaceState(null, '', location.pathname);
    shown = { kind: 'problem', text: 'signInFailed' };
  }
  return true;
}

fillStateSelects();
void startSignIn().then((isPage) => {
  if (!isPage) return;
  lang = setupLangToggle(document.querySelector<HTMLButtonElement>('#lang-toggle')!, ES, (next) => {
    lang = next;
    fillCountries();
    language.setLang(lang);
    render();
  });
  if (!auth) show({ kind: 'problem', text: 'configFailed' });
});

/** Country names in the page's language, sorted by name; the choice is kept. */
function fillCountries(): void {
  const select = document.querySelector<HTMLSelectElement>('#client-countryOfBirth')!;
  const chosen = select.value;
  const names = new Intl.DisplayNames([lang], { type: 'region' });
  const options = [...COUNTRY_CODES]
    .map((code) => ({ code, name: names.of(code) ?? code }))
    .sort((a, b) => a.name.localeCompare(b.name, lang))
    .map(({ code, name }) => new Option(name, code));
  select.replaceChildren(select.options[0], ...options);
  select.value = chosen;
}
