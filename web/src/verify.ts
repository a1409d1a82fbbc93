/**
 * The attorney's verification page, `/verify#token=…`. Opening it changes nothing (mail scanners
 * pre-fetch links); the address is confirmed only on a tap.
 */
import { postJson, takeTokenFromHash } from './lib/api.js';
import { setupLangToggle, fill, type Dict, type Lang } from './lib/i18n.js';

const ES: Dict = {
  brand: 'Revisión Médica para Inmigrantes',
  'page.title': 'Confirme su correo electrónico',
  noscript: 'Esta página necesita JavaScript para confirmar.',
  intro:
    'Usted envió una remisión desde este correo. Confirme la dirección y comienza la revisión: las remisiones urgentes llegan de inmediato a los médicos voluntarios de guardia.',
  once: 'Solo hace falta una vez; la dirección queda confirmada por 180 días.',
  confirm: 'Confirmar e iniciar la revisión',
};

type Tone = 'ok' | 'info' | 'warn' | 'bad';
const TEXT: Record<Lang, Record<string, [Tone, string, string]>> = {
  en: {
    verified: [
      'ok',
      'Thank you: your address is confirmed',
      'The review has started. Referrals confirmed now: {count}. A receipt email with the reference number is on its way for each one.',
    ],
    gone: [
      'warn',
      'This link was used or has expired',
      'Links work once, for 24 hours. Send the referral again and open the new email we send you.',
    ],
    forbidden: ['bad', 'This link is not valid', 'Open the link from the email again, exactly as it was sent.'],
    noToken: ['bad', 'This link is incomplete', 'Open the link from the email again; the part after # is needed.'],
    notSent: ['warn', 'Not sent', 'The server or the connection failed, so nothing changed. Try again.'],
  },
  es: {
    verified: [
      'ok',
      'Gracias: su dirección está confirmada',
      'La revisión comenzó. Remisiones confirmadas ahora: {count}. Le llegará un correo de confirmación con el número de referencia de cada una.',
    ],
    gone: [
      'warn',
      'Este enlace ya se usó o venció',
      'Los enlaces sirven una vez, por 24 horas. Envíe la remisión de nuevo y abra el nuevo correo que le enviaremos.',
    ],
    forbidden: ['bad', 'Este enlace no es válido', 'Abra de nuevo el enlace del correo, tal como se envió.'],
    noToken: ['bad', 'Este enlace está incompleto', 'Abra de nuevo el enlace del correo; se necesita la parte después de #.'],
    notSent: ['warn', 'No se envió', 'El servidor o la conexión fallaron, así que nada cambió. Inténtelo de nuevo.'],
  },
};

const $ = <T extends HTMLElement>(selector: string) => document.querySelector<T>(selector)!;
const token = takeTokenFromHash();
let lang: Lang = 'en';
let shown: { name: string; count?: number } | undefined;

function render(focus = false): void {
  if (!shown) return;
  const [tone, title, text] = TEXT[lang][shown.name] ?? ['bad', 'Error', shown.name];
  const box = $('#message');
  box.className = `panel ${tone}`;
  $('#message-title').textContent = title;
  $('#message-text').textContent = fill(text, { count: String(shown.count ?? 0) });
  box.hidden = false;
  if (focus) box.focus();
}

function show(name: string, count?: number): void {
  shown = { name, count };
  render(true);
}

async function confirm(): Promise<void> {
  const button = $<HTMLButtonElement>('#confirm-button');
  button.disabled = true;
  const res = await postJson('/api/submitters/verify', { token });
  button.disabled = false;
  if (res.status === 200) {
    $('#confirm').hidden = true;
    return show('verified', Array.isArray(res.body.referralIds) ? res.body.referralIds.length : 0);
  }
  if (res.status === 0 || res.status >= 500) return show('notSent');
  $('#confirm').hidden = true;
  show(res.status === 410 ? 'gone' : 'forbidden');
}

lang = setupLangToggle($<HTMLButtonElement>('#lang-toggle'), ES, (next) => {
  lang = next;
  render();
});
if (!token) {
  $('#confirm').hidden = true;
  show('noToken');
} else {
  $('#confirm-button').addEventListener('click', () => void confirm());
}
