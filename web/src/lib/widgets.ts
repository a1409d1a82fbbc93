/** Small pieces shared by the intake and outcome pages. */
import { US_STATES } from '../../../shared/domain/codes.js';
import { languageName, type Lang } from './i18n.js';

/** Languages offered as suggestions; any BCP 47 tag is accepted. Names Intl may not know are given here. */
const LANGUAGES: [tag: string, fallbackName: string][] = [
  ['es', 'Spanish'], ['en', 'English'], ['ht', 'Haitian Creole'], ['pt', 'Portuguese'], ['fr', 'French'],
  ['quc', "K'iche'"], ['mam', 'Mam'], ['kjb', "Q'anjob'al"], ['cak', 'Kaqchikel'], ['ixl', 'Ixil'],
  ['ar', 'Arabic'], ['ru', 'Russian'], ['zh', 'Chinese'], ['hi', 'Hindi'], ['pa', 'Punjabi'], ['tr', 'Turkish'],
  ['wo', 'Wolof'], ['ti', 'Tigrinya'], ['am', 'Amharic'], ['vi', 'Vietnamese'],
];

/** Suggestions for a language-tag input: value = tag, label = its name in `lang`. */
export function fillLanguageList(list: HTMLDataListElement, lang: Lang): void {
  list.replaceChildren(...LANGUAGES.map(([tag, fallbackName]) => {
    const name = languageName(tag, lang);
    const option = document.createElement('option');
    option.value = tag;
    option.label = name === tag ? fallbackName : name;
    return option;
  }));
}

/** Adds the US state codes to every `select.js-states` (after its first, empty option). */
export function fillStateSelects(): void {
  for (const select of document.querySelectorAll<HTMLSelectElement>('select.js-states')) {
    select.append(...[...US_STATES].sort().map((code) => new Option(code, code)));
  }
}

/** A fresh Idempotency-Key (random UUID; getRandomValues where randomUUID is missing, e.g. plain http). */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}
