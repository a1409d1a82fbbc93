/** English and Spanish for the static pages. English text is written in the HTML; Spanish comes from a table. */

export type Lang = 'en' | 'es';
export type Dict = Record<string, string>;

/** `?lang=es` picks Spanish; anything else is English. */
export function initialLang(): Lang {
  return new URLSearchParams(location.search).get('lang') === 'es' ? 'es' : 'en';
}

/**
 * Shows the page in `lang`: every `[data-i18n="key"]` element gets `es[key]` in Spanish and the text the
 * HTML was written with in English. Also sets `<html lang>` and keeps `?lang=` in the address.
 */
export function applyLang(lang: Lang, es: Dict): void {
  document.documentElement.lang = lang;
  for (const el of document.querySelectorAll<HTMLElement>('[data-i18n]')) {
    el.dataset.en ??= el.textContent ?? '';
    el.textContent = lang === 'es' ? (es[el.dataset.i18n ?? ''] ?? el.dataset.en) : el.dataset.en;
  }
  const url = new URL(location.href);
  if (lang === 'es') url.searchParams.set('lang', 'es');
  else url.searchParams.delete('lang');
  history.replaceState(history.state, '', url);
}

/**
 * Wires the language toggle: it is labelled with the other language (in that language) and switches to it.
 * `onChange` runs after the page text is translated, to redraw messages shown by the script.
 */
export function setupLangToggle(button: HTMLButtonElement, es: Dict, onChange: (lang: Lang) => void): Lang {
  let lang = initialLang();
  const show = () => {
    applyLang(lang, es);
    button.textContent = lang === 'es' ? 'English' : 'Español';
    button.lang = lang === 'es' ? 'en' : 'es';
    onChange(lang);
  };
  button.addEventListener('click', () => {
    lang = lang === 'es' ? 'en' : 'es';
    show();
  });
  show();
  return lang;
}

/** Fills `{name}` placeholders. */
export function fill(template: string, vars: Record<string, string> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => vars[name] ?? whole);
}

/** Today's calendar date in the user's own time zone, `YYYY-MM-DD`. */
export function localToday(): string {
  const d = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** The name of a language tag in `lang` ("es" → "Spanish"), or the tag itself when unknown. */
export function languageName(tag: string, lang: Lang): string {
  try {
    const name = new Intl.DisplayNames([lang], { type: 'language', fallback: 'none' }).of(tag);
    return name ?? tag;
  } catch {
    return tag;
  }
}
