/**
 * The attorney's and the doctor's pages in English, and in Spanish for attorneys (`?lang=es` or the
 * toggle). English text is the key, as in the console; a missing Spanish text shows the English.
 */
export type Lang = 'en' | 'es';

const ES: Record<string, string> = {
  'Medical Review for Immigrants': 'Revisión Médica para Inmigrantes',
  'Your referrals': 'Sus remisiones',
  'Your cases': 'Sus casos',
  'Skip to content': 'Ir al contenido',
  'Sign in with your email': 'Iniciar sesión con su correo',
  'Sign in to see your referrals: we email you a 6-digit code, no password needed.':
    'Inicie sesión para ver sus remisiones: le enviamos por correo un código de 6 dígitos, sin contraseña.',
  'Signed in as {email}': 'Sesión iniciada como {email}',
  'Sign out': 'Cerrar sesión',
  'Sign in again': 'Volver a iniciar sesión',
  'Your sign-in has ended. Sign in again to continue.': 'Su sesión terminó. Vuelva a iniciar sesión para continuar.',
  'The sign-in did not finish. Sign in again.': 'El inicio de sesión no terminó. Vuelva a iniciar sesión.',
  'Sign-in is not available right now. Reload the page in a moment.':
    'El inicio de sesión no está disponible ahora. Vuelva a cargar la página en un momento.',
  'Loading…': 'Cargando…',
  'No referrals yet.': 'Todavía no hay remisiones.',
  'Send a new referral': 'Enviar una remisión nueva',
  'Show more': 'Mostrar más',
  Referral: 'Remisión',
  Sent: 'Enviada',
  Status: 'Estado',
  Doctor: 'Médico/a',
  'All referrals': 'Todas las remisiones',
  'Not found': 'No se encontró',
  'There is no referral with this number on your account. Check the number, or open it from your list.':
    'No hay ninguna remisión con este número en su cuenta. Revise el número o ábrala desde su lista.',
  'The page could not load: the server or the connection failed. Try again in a moment.':
    'La página no se pudo cargar: falló el servidor o la conexión. Vuelva a intentarlo en un momento.',
  'Try again': 'Volver a intentar',
  'Your doctor': 'Su médico/a',
  'No doctor has accepted yet. Once one does, you get an email introducing you, and the doctor appears here.':
    'Todavía ningún médico aceptó. Cuando uno acepte, recibirá un correo de presentación y el médico aparecerá aquí.',
  Name: 'Nombre',
  Email: 'Correo electrónico',
  Phone: 'Teléfono',
  Organization: 'Organización',
  'What happened so far': 'Lo que ha pasado',
  'What you sent': 'Lo que envió',
  Client: 'Cliente',
  'Given name': 'Nombre(s)',
  'Family name': 'Apellido(s)',
  'A-number': 'Número A',
  'Date of birth': 'Fecha de nacimiento',
  'Country of birth': 'País de nacimiento',
  Language: 'Idioma',
  'Interpreter needed': 'Necesita intérprete',
  Yes: 'Sí',
  No: 'No',
  Custody: 'Detención',
  Facility: 'Centro de detención',
  'Facility state': 'Estado del centro',
  'ICE field office': 'Oficina local de ICE',
  'Detained since': 'Detenido desde',
  Health: 'Salud',
  'Health concern': 'Problema de salud',
  'Risk factors': 'Factores de riesgo',
  Medications: 'Medicamentos',
  Urgency: 'Urgencia',
  Request: 'Solicitud',
  Services: 'Servicios',
  Specialty: 'Especialidad',
  Deadline: 'Fecha límite',
  Attorney: 'Abogado/a',
  'G-28 filed': 'G-28 presentado',
  'Bar number': 'Número de colegiatura',
  Documents: 'Documentos',
  'No documents yet.': 'Todavía no hay documentos.',
  Kind: 'Tipo',
  'Uploaded by': 'Subido por',
  File: 'Archivo',
  Size: 'Tamaño',
  Download: 'Descargar',
  'Add a document': 'Agregar un documento',
  'PDF, JPEG, PNG or HEIC, up to 25 MB, at most 20 documents per referral. Each file is checked for malware before anyone can open it.':
    'PDF, JPEG, PNG o HEIC, de hasta 25 MB, como máximo 20 documentos por remisión. Cada archivo se revisa para detectar software malicioso antes de que alguien pueda abrirlo.',
  'Kind of document': 'Tipo de documento',
  Upload: 'Subir',
  'Uploading…': 'Subiendo…',
  'Upload progress': 'Progreso de la subida',
  'Uploaded. It is being checked for malware; it can be opened once the check is done.':
    'Subido. Se está revisando para detectar software malicioso; podrá abrirse cuando termine la revisión.',
  'Choose a file first.': 'Primero elija un archivo.',
  'This kind of file cannot be added: use a PDF, JPEG, PNG or HEIC file.':
    'Este tipo de archivo no se puede agregar: use un archivo PDF, JPEG, PNG o HEIC.',
  'This file is too big: the limit is 25 MB. Split it or scan it at a lower resolution.':
    'Este archivo es demasiado grande: el límite es de 25 MB. Divídalo o escanéelo con menor resolución.',
  'This file is empty.': 'Este archivo está vacío.',
  'This referral already has 20 documents, the most it can hold. Ask the program if you need to send more.':
    'Esta remisión ya tiene 20 documentos, el máximo posible. Consulte al programa si necesita enviar más.',
  'The upload was refused by the storage. Try again; if it keeps happening, contact the program.':
    'El almacenamiento rechazó la subida. Vuelva a intentarlo; si sigue pasando, comuníquese con el programa.',
  'The upload did not finish: the connection failed. Try again.': 'La subida no terminó: falló la conexión. Vuelva a intentarlo.',
  'The upload took too long and its permission expired. Try again.': 'La subida tardó demasiado y su permiso venció. Vuelva a intentarlo.',
  'A document was rejected by the malware check and deleted. Nobody can open it. If the file is what you meant to send, save it again as a PDF and upload that.':
    'Un documento fue rechazado por la revisión de software malicioso y se borró. Nadie puede abrirlo. Si el archivo es el que quería enviar, guárdelo de nuevo como PDF y súbalo.',
  'This document is not ready to open yet.': 'Este documento todavía no se puede abrir.',
  'The download could not start. Try again.': 'La descarga no pudo empezar. Vuelva a intentarlo.',
  'Documents will be deleted on {date}, {days} days after the case closed.':
    'Los documentos se borrarán el {date}, {days} días después del cierre del caso.',
  'Documents are kept until {days} days after the case closes, then deleted.':
    'Los documentos se guardan hasta {days} días después del cierre del caso y luego se borran.',
  'Report the outcome': 'Informar el resultado',
  'What happened?': '¿Qué pasó?',
  'Release date': 'Fecha de liberación',
  'State the client goes to': 'Estado al que va el cliente',
  'City (optional)': 'Ciudad (opcional)',
  "Client's phone (optional)": 'Teléfono del cliente (opcional)',
  'A US mobile number, for follow-up reminders by SMS.': 'Un número móvil de EE. UU., para recordatorios de seguimiento por SMS.',
  "Client's language for reminders": 'Idioma del cliente para los recordatorios',
  'The client agrees to SMS reminders about follow-up care.':
    'El cliente acepta recibir recordatorios por SMS sobre su atención de seguimiento.',
  'Choose…': 'Elija…',
  'Send outcome': 'Enviar resultado',
  'Sending…': 'Enviando…',
  'Thank you, the outcome was recorded. The program team has been told.':
    'Gracias, el resultado quedó registrado. Se avisó al equipo del programa.',
  'Outcome reported: {outcome}.': 'Resultado informado: {outcome}.',
  'Check these fields, then send again:': 'Revise estos campos y vuelva a enviar:',
  'Another outcome was already reported for this referral. Contact the program to correct it.':
    'Ya se informó otro resultado para esta remisión. Comuníquese con el programa para corregirlo.',
  'Nothing was sent: the server or the connection failed. Try again.':
    'No se envió nada: falló el servidor o la conexión. Vuelva a intentarlo.',
};

/** Codes of the API (statuses, events, kinds, outcomes) as people read them: English, Spanish. */
const CODES: Record<string, [string, string]> = {
  urgent: ['urgent', 'urgente'],
  routine: ['routine', 'rutinaria'],
  paging: ['looking for a doctor', 'buscando médico'],
  awaiting_review: ['in review by the program', 'en revisión por el programa'],
  escalated: ['looking for a doctor', 'buscando médico'],
  assigned: ['a doctor accepted', 'médico asignado'],
  released: ['client released', 'cliente liberado'],
  closed: ['closed', 'cerrado'],
  received: ['Referral received', 'Remisión recibida'],
  doctor_assigned: ['A doctor accepted', 'Un médico aceptó'],
  client_released: ['Client released', 'Cliente liberado'],
  outcome: ['Outcome', 'Resultado'],
  document_added: ['Document added', 'Documento agregado'],
  medical_record: ['Medical record', 'Expediente médico'],
  declaration: ['Declaration', 'Declaración'],
  evaluation: ['Evaluation', 'Evaluación'],
  other: ['Other', 'Otro'],
  attorney: ['attorney', 'abogado/a'],
  doctor: ['doctor', 'médico/a'],
  staff: ['the program', 'el programa'],
  scanning: ['being checked for malware…', 'revisando que sea seguro…'],
  available: ['ready', 'disponible'],
  rejected: ['rejected and deleted', 'rechazado y borrado'],
  parole_granted: ['Released on parole', 'Liberado con parole'],
  parole_denied: ['Parole denied', 'Parole negado'],
  transferred: ['Transferred to another facility', 'Trasladado a otro centro'],
  removed: ['Removed from the United States', 'Deportado de Estados Unidos'],
  withdrawn: ['Referral withdrawn', 'Remisión retirada'],
  care_established: ['Care established', 'Atención médica establecida'],
};

/** An API code in words (unknown codes with their underscores as spaces). */
export function say(code: string): string {
  const known = CODES[code];
  return known ? known[lang === 'es' ? 1 : 0] : code.replaceAll('_', ' ');
}

let lang: Lang = new URLSearchParams(location.search).get('lang') === 'es' ? 'es' : 'en';

export const currentLang = (): Lang => lang;

/** Switches the language (kept in the address as `?lang=es`). */
export function setLang(next: Lang): void {
  lang = next;
  document.documentElement.lang = next;
  const url = new URL(location.href);
  if (next === 'es') url.searchParams.set('lang', 'es');
  else url.searchParams.delete('lang');
  history.replaceState(history.state, '', url);
}

/** The text in the page's language, with `{name}` placeholders filled. */
export function t(text: string, vars: Record<string, string | number> = {}): string {
  const said = lang === 'es' ? (ES[text] ?? text) : text;
  return said.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

/** A date (`YYYY-MM-DD` or an instant) as people read it in the page's language. */
export function day(value: string): string {
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const format = new Intl.DateTimeFormat(lang === 'es' ? 'es-US' : 'en-US', {
    dateStyle: 'medium',
    ...(dateOnly ? { timeZone: 'UTC' } : {}),
  });
  return format.format(new Date(dateOnly ? `${value}T12:00:00Z` : value));
}

/** An instant with its time. */
export function when(value: string): string {
  return new Intl.DateTimeFormat(lang === 'es' ? 'es-US' : 'en-US', { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(value));
}
