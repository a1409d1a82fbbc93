import type { Lang } from './i18n.js';

/**
 * Spanish for the schema's English field messages, matched by their text.
 * A message not in the table is shown in English.
 */
const SPANISH: [RegExp, string][] = [
  [/^is required$/, 'es obligatorio'],
  [/^must be text$/, 'debe ser texto'],
  [/^must be at least (\d+) characters$/, 'debe tener al menos $1 caracteres'],
  [/^must be at most (\d+) characters$/, 'debe tener como máximo $1 caracteres'],
  [/^must be an email address$/, 'debe ser una dirección de correo electrónico'],
  [/^must be a valid phone number/, 'debe ser un número de teléfono válido (los números de EE. UU. pueden omitir +1)'],
  [
    /^must be a US mobile number/,
    'debe ser un número móvil de EE. UU. que pueda recibir SMS (no gratuito, de tarifa especial ni extranjero)',
  ],
  [/^must not contain control characters/, 'no puede contener caracteres de control (solo saltos de línea y tabulaciones)'],
  [/^must be a (two-letter )?US state code/, 'debe ser un código de estado de EE. UU. de dos letras, como TX'],
  [/^must be true or false$/, 'elija sí o no'],
  [/^must be a BCP 47 language tag/, 'debe ser un código de idioma, como es, ht o quc'],
  [/^must be a language tag$/, 'debe ser un código de idioma, como es, ht o quc'],
  [/^choose a language from the list$/, 'elija un idioma de la lista'],
  [/^must be a (real )?date written YYYY-MM-DD$/, 'debe ser una fecha real'],
  [/^must be at most 120 years ago$/, 'no puede ser de hace más de 120 años'],
  [/^must not be in the future$/, 'no puede ser una fecha futura'],
  [/^must be today or later$/, 'debe ser hoy o una fecha posterior'],
  [/^must be 8 or 9 digits/, 'debe tener 8 o 9 dígitos, opcionalmente después de una A inicial'],
  [/^must be an A-number$/, 'debe ser un número A'],
  [/^must be (an ISO 3166-1 alpha-2 )?country code/, 'debe ser un país de la lista'],
  [/^must be routine or urgent$/, 'elija rutinaria o urgente'],
  [/^must name at least one service$/, 'elija al menos un servicio'],
  [/^must be true: consent/, 'se necesita el consentimiento antes de enviar una remisión'],
  [/^must be one of/, 'elija una opción de la lista'],
  [/^must not repeat/, 'no puede repetir una opción'],
  [/^is not a known field$/, 'no es un campo conocido'],
];

/** The field message in `lang`. */
export function translateMessage(message: string, lang: Lang): string {
  if (lang === 'en') return message;
  for (const [pattern, spanish] of SPANISH) {
    const match = pattern.exec(message);
    if (match) return spanish.replace(/\$(\d)/g, (_, i: string) => match[Number(i)] ?? '');
  }
  return message;
}
