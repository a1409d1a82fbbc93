import { useEffect, useState } from 'preact/hooks';
import * as z from '../../shared/zod.js';
import { api, type ApiError } from './api.js';
import { dateTime } from './format.js';
import { t } from './i18n.js';

interface Entry {
  email?: string;
  domain?: string;
  addedBy?: string;
  addedAt?: string;
}

const email = z.email();
const domain = z.string().check(z.regex(/^@?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,}$/i));

export function Submitters() {
  const [items, setItems] = useState<Entry[] | undefined>();
  const [value, setValue] = useState('');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | undefined>();
  const [fieldError, setFieldError] = useState<string | undefined>();
  const load = async () => {
    try {
      setItems((await api<{ items: Entry[] }>('GET', '/api/staff/submitters')).items);
    } catch (e) {
      setMessage({ ok: false, text: (e as ApiError).message });
    }
  };
  useEffect(() => void load(), []);

  const add = async (e: Event) => {
    e.preventDefault();
    const v = value.trim().toLowerCase();
    const body = v.startsWith('@')
      ? domain.safeParse(v).success
        ? { domain: v.slice(1) }
        : undefined
      : email.safeParse(v).success
        ? { email: v }
        : undefined;
    if (!body) return setFieldError('Enter an email address (name@example.org) or a whole domain starting with @ (@example.org).');
    setFieldError(undefined);
    try {
      await api('POST', '/api/staff/submitters', body);
      setValue('');
      await load(); // the list is current before the confirmation shows
      setMessage({ ok: true, text: `${v} is now approved: signed-in attorneys with it page doctors at once.` });
    } catch (err) {
      setMessage({ ok: false, text: (err as ApiError).message });
    }
  };
  const remove = async (entry: string) => {
    try {
      await api('DELETE', `/api/staff/submitters/${encodeURIComponent(entry.replace(/^@/, ''))}`);
      await load();
      setMessage({ ok: true, text: `${entry} was removed from the trusted list.` });
    } catch (err) {
      setMessage({ ok: false, text: (err as ApiError).message });
    }
  };
  return (
    <>
      <h1>{t('Trusted submitters')}</h1>
      <p>
        Referrals from these signed-in attorneys (or anyone signed in at these domains) page doctors at once. Others wait for a coordinator.
      </p>
      {message && (
        <p class={message.ok ? 'panel' : 'summary'} role={message.ok ? 'status' : 'alert'}>
          {message.text}
        </p>
      )}
      <form onSubmit={add} novalidate class="toolbar">
        <div class={fieldError ? 'field has-error' : 'field'}>
          <label for="submitter">Email or @domain</label>
          {fieldError && (
            <p class="error-message" id="submitter-error">
              {fieldError}
            </p>
          )}
          <input
            id="submitter"
            type="text"
            value={value}
            autocomplete="off"
            spellcheck={false}
            aria-invalid={fieldError ? 'true' : undefined}
            aria-describedby={fieldError ? 'submitter-error' : undefined}
            onInput={(e) => setValue(e.currentTarget.value)}
          />
        </div>
        <button type="submit" class="button">
          Add
        </button>
      </form>
      {items && items.length === 0 && <p>Nobody is on the trusted list yet.</p>}
      {items && items.length > 0 && (
        <div class="scroll">
          <table class="data" id="submitters">
            <thead>
              <tr>
                <th scope="col">Email or domain</th>
                <th scope="col">Added by</th>
                <th scope="col">Added</th>
                <th scope="col">
                  <span class="skip">Remove</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((i) => {
                const entry = i.email ?? `@${i.domain}`;
                return (
                  <tr key={entry}>
                    <td>{entry}</td>
                    <td>{i.addedBy ?? '—'}</td>
                    <td>{i.addedAt ? dateTime(i.addedAt) : '—'}</td>
                    <td>
                      <button type="button" class="text-button" aria-label={`Remove ${entry}`} onClick={() => void remove(entry)}>
                        Remove
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
