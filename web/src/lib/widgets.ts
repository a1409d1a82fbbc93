/** Small pieces shared by the intake and outcome pages. */
import { US_STATES } from '../../../shared/domain/codes.js';
import type { FieldError } from './form.js';
import { LanguagePicker } from './language-picker.js';

/** The language picker of the field whose visible input has id `id` (see language-picker.ts for the markup). */
export function languagePicker(id: string): LanguagePicker {
  const input = document.getElementById(id) as HTMLInputElement;
  return new LanguagePicker(
    input,
    document.getElementById(`${id}-list`) as HTMLUListElement,
    input.parentElement!.querySelector<HTMLInputElement>('input[type="hidden"]')!,
    document.getElementById(`${id}-status`)!,
  );
}

/** Field errors, with a name typed but not found in the list reported as such at `path` (instead of "is required"). */
export function withLanguageChoice(errors: FieldError[], picker: LanguagePicker, path: string): FieldError[] {
  if (!picker.unresolved) return errors;
  return [...errors.filter((e) => e.path !== path), { path, message: 'choose a language from the list' }];
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
