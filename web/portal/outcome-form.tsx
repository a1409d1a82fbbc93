import { useState } from 'preact/hooks';
import { US_STATES } from '../../shared/domain/codes.js';
import { LANGUAGES, languageLabel } from '../../shared/domain/languages.js';
import { api } from './api.js';
import { currentLang, say, t } from './i18n.js';

const OUTCOMES = ['parole_granted', 'parole_denied', 'transferred', 'removed'] as const;

/** Field paths of the API's 422 as the labels of this form. */
const LABELS: Record<string, string> = {
  outcome: 'What happened?',
  release: 'Release date',
  'release.releasedOn': 'Release date',
  'release.state': 'State the client goes to',
  'release.city': 'City (optional)',
  'release.patientPhone': "Client's phone (optional)",
  'release.patientLanguage': "Client's language for reminders",
  'release.smsConsent': 'The client agrees to SMS reminders about follow-up care.',
};

type Shown = { kind: 'none' } | { kind: 'problem'; text: string; errors?: { path: string; message: string }[] };

/**
 * The attorney reports the outcome from their page (signed in: no link token), with the release details
 * when parole was granted; the API checks and records it once, as through the receipt's link.
 */
export function OutcomeForm({ referralId, onRecorded }: { referralId: string; onRecorded: () => void }) {
  const [outcome, setOutcome] = useState('');
  const [shown, setShown] = useState<Shown>({ kind: 'none' });
  const [sending, setSending] = useState(false);

  const send = async (e: Event) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget as HTMLFormElement);
    const text = (name: string) => String(data.get(name) ?? '').trim();
    const body =
      outcome === 'parole_granted'
        ? {
            outcome,
            release: {
              releasedOn: text('releasedOn'),
              state: text('state'),
              ...(text('city') ? { city: text('city') } : {}),
              ...(text('patientPhone') ? { patientPhone: text('patientPhone') } : {}),
              patientLanguage: text('patientLanguage'),
              smsConsent: data.get('smsConsent') === 'on',
            },
          }
        : { outcome };
    setSending(true);
    const res = await api<{ errors?: { path: string; message: string }[] }>('POST', `/api/attorney/referrals/${referralId}/outcome`, body);
    setSending(false);
    if (res.status === 200) return onRecorded();
    if (res.status === 422)
      return setShown({ kind: 'problem', text: 'Check these fields, then send again:', errors: res.body.errors ?? [] });
    if (res.status === 409)
      return setShown({
        kind: 'problem',
        text: 'Another outcome was already reported for this referral. Contact the program to correct it.',
      });
    setShown({ kind: 'problem', text: 'Nothing was sent: the server or the connection failed. Try again.' });
  };

  return (
    <section aria-labelledby="outcome-title">
      <h2 id="outcome-title">{t('Report the outcome')}</h2>
      <form onSubmit={send} aria-busy={sending}>
        <div role="alert">
          {shown.kind === 'problem' && (
            <div class="summary">
              <p>{t(shown.text)}</p>
              {shown.errors && shown.errors.length > 0 && (
                <ul>
                  {shown.errors.map((e) => (
                    <li key={e.path}>
                      {t(LABELS[e.path] ?? e.path)}: {e.message}
                    </li>
                  ))}
                </ul>
              )}
            </div>
          )}
        </div>
        <div class="field">
          <label for="outcome">{t('What happened?')}</label>
          <select id="outcome" name="outcome" value={outcome} onChange={(e) => setOutcome((e.target as HTMLSelectElement).value)}>
            <option value="">{t('Choose…')}</option>
            {OUTCOMES.map((o) => (
              <option key={o} value={o}>
                {say(o)}
              </option>
            ))}
          </select>
        </div>
        {outcome === 'parole_granted' && (
          <fieldset class="section">
            <legend>{say('parole_granted')}</legend>
            <div class="field">
              <label for="releasedOn">{t('Release date')}</label>
              <input id="releasedOn" name="releasedOn" type="date" />
            </div>
            <div class="field">
              <label for="state">{t('State the client goes to')}</label>
              <select id="state" name="state" class="short">
                <option value="">{t('Choose…')}</option>
                {[...US_STATES].sort().map((s) => (
                  <option key={s} value={s}>
                    {s}
                  </option>
                ))}
              </select>
            </div>
            <div class="field">
              <label for="city">{t('City (optional)')}</label>
              <input id="city" name="city" type="text" maxLength={80} />
            </div>
            <div class="field">
              <label for="patientPhone">{t("Client's phone (optional)")}</label>
              <p class="hint" id="patientPhone-hint">
                {t('A US mobile number, for follow-up reminders by SMS.')}
              </p>
              <input id="patientPhone" name="patientPhone" type="tel" aria-describedby="patientPhone-hint" />
            </div>
            <div class="field">
              <label for="patientLanguage">{t("Client's language for reminders")}</label>
              <select id="patientLanguage" name="patientLanguage">
                <option value="">{t('Choose…')}</option>
                {[...LANGUAGES]
                  .map((l) => ({ tag: l.tag, name: languageLabel(l, currentLang()) }))
                  .sort((a, b) => a.name.localeCompare(b.name, currentLang()))
                  .map((l) => (
                    <option key={l.tag} value={l.tag}>
                      {l.name}
                    </option>
                  ))}
              </select>
            </div>
            <label class="check">
              <input type="checkbox" name="smsConsent" /> {t('The client agrees to SMS reminders about follow-up care.')}
            </label>
          </fieldset>
        )}
        <button type="submit" class="button" disabled={sending}>
          {sending ? t('Sending…') : t('Send outcome')}
        </button>
      </form>
    </section>
  );
}
