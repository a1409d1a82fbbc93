/**
 * A language field where people type a language's name (English or Spanish, with or without
 * accents) and pick it from a list, while the form sends its BCP 47 tag. The ARIA 1.2 combobox
 * pattern with a listbox popup (WAI-ARIA Authoring Practices, "Editable Combobox With List
 * Autocomplete"), built on markup like:
 *
 *   <label for="x" id="x-label">…</label>
 *   <div class="combobox">
 *     <input id="x" type="text" role="combobox" aria-autocomplete="list" aria-expanded="false" aria-controls="x-list" autocomplete="off">
 *     <ul id="x-list" role="listbox" aria-labelledby="x-label" hidden></ul>
 *     <input type="hidden" name="client.language">
 *   </div>
 *   <p id="x-status" class="visually-hidden" role="status"></p>
 *
 * Keyboard: typing filters; Down/Up move through the list (Down opens it); Enter or a click picks;
 * Escape closes, and clears the text when the list is already closed; Tab leaves, keeping a name
 * typed in full.
 */
import { languageByTag, languageNamed, searchLanguages, type Language } from '../../../shared/domain/languages.js';
import type { Lang } from './i18n.js';

const STATUS: Record<Lang, { none: string; some: (n: number) => string }> = {
  en: {
    none: 'No language matches. Try another spelling, in English or Spanish.',
    some: (n) => `${n} ${n === 1 ? 'language' : 'languages'} found. Use the up and down arrows to choose.`,
  },
  es: {
    none: 'Ningún idioma coincide. Pruebe otra forma de escribirlo, en español o en inglés.',
    some: (n) => `${n} ${n === 1 ? 'idioma encontrado' : 'idiomas encontrados'}. Use las flechas arriba y abajo para elegir.`,
  },
};

export class LanguagePicker {
  private lang: Lang = 'en';
  private shown: Language[] = [];
  private active = -1;

  constructor(
    private readonly input: HTMLInputElement,
    private readonly list: HTMLUListElement,
    private readonly value: HTMLInputElement,
    private readonly status: HTMLElement,
  ) {
    input.addEventListener('input', () => {
      const exact = languageNamed(input.value);
      value.value = exact?.tag ?? '';
      this.open();
    });
    input.addEventListener('keydown', (e) => this.onKey(e));
    input.addEventListener('blur', () => {
      this.close();
      const exact = languageNamed(input.value);
      if (exact) this.choose(exact, false);
    });
    input.addEventListener('click', () => (this.isOpen() ? this.close() : this.open()));
    // mousedown, not click: picking must happen before the input's blur closes the list
    list.addEventListener('mousedown', (e) => {
      const option = (e.target as Element).closest<HTMLElement>('[role="option"]');
      if (!option) return;
      e.preventDefault();
      const language = languageByTag(option.dataset.tag ?? '');
      if (language) this.choose(language);
    });
  }

  /** The tag sent with the form ('' when none is chosen). */
  get tag(): string {
    return this.value.value;
  }

  /** True when something is typed that is not a listed language's name. */
  get unresolved(): boolean {
    return this.input.value.trim() !== '' && this.value.value === '';
  }

  /** Shows names in `lang`; the chosen language's name follows. */
  setLang(lang: Lang): void {
    this.lang = lang;
    const chosen = languageByTag(this.value.value);
    if (chosen) this.input.value = chosen[lang];
    if (this.isOpen()) this.render();
  }

  private isOpen(): boolean {
    return !this.list.hidden;
  }

  private open(): void {
    this.shown = searchLanguages(this.input.value, this.lang);
    this.active = -1;
    this.list.hidden = false;
    this.input.setAttribute('aria-expanded', 'true');
    this.render();
    const t = STATUS[this.lang];
    this.status.textContent = this.shown.length ? t.some(this.shown.length) : t.none;
  }

  private close(): void {
    this.list.hidden = true;
    this.active = -1;
    this.input.setAttribute('aria-expanded', 'false');
    this.input.removeAttribute('aria-activedescendant');
  }

  private choose(language: Language, focus = true): void {
    this.input.value = language[this.lang];
    this.value.value = language.tag;
    this.close();
    this.status.textContent = '';
    if (focus) this.input.focus();
  }

  private render(): void {
    const other: Lang = this.lang === 'en' ? 'es' : 'en';
    this.list.replaceChildren(
      ...this.shown.map((language, i) => {
        const li = document.createElement('li');
        li.id = `${this.list.id}-${language.tag}`;
        li.setAttribute('role', 'option');
        li.dataset.tag = language.tag;
        li.setAttribute('aria-selected', String(i === this.active));
        li.textContent = language[this.lang];
        if (language[other] !== language[this.lang]) {
          const aside = document.createElement('span');
          aside.className = 'other-name';
          aside.lang = other;
          aside.textContent = ` · ${language[other]}`;
          li.append(aside);
        }
        return li;
      }),
    );
    if (this.active >= 0) {
      const li = this.list.children[this.active] as HTMLElement;
      this.input.setAttribute('aria-activedescendant', li.id);
      li.scrollIntoView?.({ block: 'nearest' });
    } else {
      this.input.removeAttribute('aria-activedescendant');
    }
  }

  private move(by: number): void {
    if (!this.isOpen()) this.open();
    if (!this.shown.length) return;
    this.active = this.active < 0 && by < 0 ? this.shown.length - 1 : (this.active + by + this.shown.length) % this.shown.length;
    this.render();
  }

  private onKey(e: KeyboardEvent): void {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      this.move(1);
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      this.move(-1);
    } else if (e.key === 'Enter' && this.isOpen()) {
      e.preventDefault(); // never submits the form while the list is open
      const pick = this.shown[this.active] ?? (this.shown.length === 1 ? this.shown[0] : undefined);
      if (pick) this.choose(pick);
    } else if (e.key === 'Escape') {
      if (this.isOpen()) {
        this.close();
      } else {
        this.input.value = '';
        this.value.value = '';
      }
    }
  }
}
