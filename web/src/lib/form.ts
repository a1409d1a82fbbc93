/**
 * Reading a form into a JSON body and showing field errors, for forms built like this:
 *
 *   <div class="field" data-path="client.aNumber"><label for=…>…</label><p class="hint" id=…>…</p><input name="client.aNumber" …></div>
 *   <fieldset data-path="request.services" data-required><legend>…</legend><label><input type="checkbox" name="request.services" value="declaration">…</label>…</fieldset>
 *
 * `name` is the JSON path. Checkboxes with value "true" are booleans; other checkboxes make a list;
 * radios with value "true"/"false" are booleans, other radios strings.
 */
import type { Lang } from './i18n.js';
import { translateMessage } from './messages.js';

export interface FieldError {
  path: string;
  message: string;
}

type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

function isControl(el: Element): el is Control {
  return el instanceof HTMLInputElement || el instanceof HTMLSelectElement || el instanceof HTMLTextAreaElement;
}

/** The object at `keys` inside `target`, created when missing. */
function objectAt(target: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  let node = target;
  for (const key of keys) node = (node[key] ??= {}) as Record<string, unknown>;
  return node;
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  objectAt(target, keys.slice(0, -1))[keys[keys.length - 1]] = value;
}

/** The JSON body of `form`: blank text and empty optional lists are left out; disabled controls are skipped. */
export function readBody(form: HTMLFormElement): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  // Every section object exists, so a missing field is reported by its own path.
  for (const box of form.querySelectorAll<HTMLElement>('[data-path]')) {
    if (!box.querySelector('input, select, textarea')?.matches(':disabled'))
      objectAt(body, (box.dataset.path ?? '').split('.').slice(0, -1));
  }
  const lists = new Map<string, string[]>();
  for (const el of Array.from(form.elements)) {
    if (!isControl(el) || !el.name || el.matches(':disabled')) continue;
    if (el instanceof HTMLInputElement && el.type === 'checkbox' && el.value !== 'true') {
      const list = lists.get(el.name) ?? [];
      if (el.checked) list.push(el.value);
      lists.set(el.name, list);
    } else if (el instanceof HTMLInputElement && el.type === 'checkbox') {
      setPath(body, el.name, el.checked);
    } else if (el instanceof HTMLInputElement && el.type === 'radio') {
      if (el.checked) setPath(body, el.name, el.value === 'true' ? true : el.value === 'false' ? false : el.value);
    } else if (el.value.trim() !== '') {
      setPath(body, el.name, el.value.trim());
    }
  }
  for (const [name, list] of lists) {
    if (list.length > 0 || form.querySelector(`[data-path="${name}"][data-required]`)) setPath(body, name, list);
  }
  return body;
}

interface Field {
  box: HTMLElement;
  controls: Control[];
  error: HTMLElement;
  /** The element that carries aria-describedby: the control, or the fieldset of a group. */
  described: HTMLElement;
  baseDescribedBy: string;
}

/** Texts the page gives the error summary, already in the page's language. */
export interface Problem {
  title: string;
  text?: string;
  errors?: FieldError[];
}

/**
 * The error summary at the top of a form and the inline error of each field.
 * Errors name fields by path; `medical.riskFactors.2` belongs to the `medical.riskFactors` field.
 */
export class ErrorView {
  private readonly fields = new Map<string, Field>();

  constructor(
    form: HTMLFormElement,
    private readonly summary: HTMLElement,
  ) {
    for (const box of form.querySelectorAll<HTMLElement>('[data-path]')) {
      const path = box.dataset.path ?? '';
      const id = path.replace(/\./g, '-');
      const controls = Array.from(box.querySelectorAll('input, select, textarea')).filter(isControl);
      controls.forEach((c, i) => (c.id ||= `${id}-${i}`));
      const error = document.createElement('p');
      error.className = 'error-message';
      error.id = `${id}-error`;
      error.hidden = true;
      (box.querySelector(':scope > .hint') ?? box.querySelector(':scope > label, :scope > legend'))?.after(error);
      const described = box instanceof HTMLFieldSetElement ? box : controls[0];
      this.fields.set(path, { box, controls, error, described, baseDescribedBy: described.getAttribute('aria-describedby') ?? '' });
    }
  }

  /** Removes every error from the page. */
  clear(): void {
    this.summary.hidden = true;
    this.summary.replaceChildren();
    for (const f of this.fields.values()) {
      f.error.hidden = true;
      f.error.textContent = '';
      f.box.classList.remove('has-error');
      f.controls.forEach((c) => c.removeAttribute('aria-invalid'));
      if (f.baseDescribedBy) f.described.setAttribute('aria-describedby', f.baseDescribedBy);
      else f.described.removeAttribute('aria-describedby');
    }
  }

  /** Shows `problem` in the summary (focused when `focus`) and each field error beside its field. */
  show(problem: Problem, lang: Lang, focus = true): void {
    this.clear();
    const title = document.createElement('h2');
    title.textContent = problem.title;
    this.summary.append(title);
    if (problem.text) {
      const p = document.createElement('p');
      p.textContent = problem.text;
      this.summary.append(p);
    }
    const list = document.createElement('ul');
    for (const e of problem.errors ?? []) {
      const message = translateMessage(e.message, lang);
      const field = this.fieldFor(e.path);
      const item = document.createElement('li');
      if (!field) {
        item.textContent = `${e.path}: ${message}`;
      } else {
        if (field.error.hidden) this.markInvalid(field, message);
        const link = document.createElement('a');
        const target = field.controls.find((c) => c.getAttribute('aria-invalid')) ?? field.controls[0];
        link.href = `#${target.id}`;
        const label = labelOf(field.box);
        link.textContent = label.endsWith('?') ? `${label} ${capitalize(message)}` : `${label}: ${message}`;
        link.addEventListener('click', (ev) => {
          ev.preventDefault();
          field.box.scrollIntoView({ block: 'center' });
          target.focus({ preventScroll: true });
        });
        item.append(link);
      }
      list.append(item);
    }
    if (list.childElementCount > 0) this.summary.append(list);
    this.summary.hidden = false;
    if (focus) {
      this.summary.focus({ preventScroll: true });
      this.summary.scrollIntoView({ block: 'start' });
    }
  }

  private markInvalid(field: Field, message: string): void {
    field.error.textContent = capitalize(message);
    field.error.hidden = false;
    field.box.classList.add('has-error');
    field.controls.forEach((c) => c.setAttribute('aria-invalid', 'true'));
    field.described.setAttribute('aria-describedby', `${field.baseDescribedBy} ${field.error.id}`.trim());
  }

  /** The field an error path belongs to: the longest registered prefix of the path. */
  private fieldFor(path: string): Field | undefined {
    const keys = path.split('.');
    for (let n = keys.length; n > 0; n--) {
      const field = this.fields.get(keys.slice(0, n).join('.'));
      if (field) return field;
    }
    return undefined;
  }
}

/** The visible name of a field: its legend or label, without the "(optional)" note. */
function labelOf(box: HTMLElement): string {
  const text = box.querySelector(':scope > legend, :scope > label')?.textContent ?? '';
  return text.replace(/\s*\((optional|opcional)\)\s*$/i, '').trim();
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
