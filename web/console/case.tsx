import { useEffect, useState } from 'preact/hooks';
import { Fragment, type ComponentChildren } from 'preact';
import { US_STATES } from '../../shared/domain/codes.js';
import { fieldErrors } from '../../shared/domain/referral.js';
import { releaseSchema } from '../../shared/domain/reminders.js';
import { api, ApiError, type FieldProblem } from './api.js';
import { CareAfterRelease } from './care.js';
import { CaseDocuments } from './documents.js';
import { dateTime, holdLabel, reasonLabel, relative, statusLabel, today } from './format.js';
import { t } from './i18n.js';
import { useDoctorNames } from './roster.js';
import { eventText, fact, foldViews, words } from './case-format.js';
import { LANGUAGES } from '../../shared/domain/languages.js';

type Dict = Record<string, unknown>;
interface Detail extends Dict {
  referralId: string;
  status: string;
  urgency: string;
  reasons: string[];
  createdAt: string;
  wave?: number;
  nextWaveAt?: string;
  assignedDoctorId?: string;
  assignedAt?: string;
  holdReason?: string;
  duplicateOf?: string;
  outcome?: string;
  referral: Record<string, Dict>;
  release?: Dict;
  offers: {
    offerId: string;
    doctorId: string;
    wave: number;
    state: string;
    sms: string;
    email: string;
    createdAt: string;
    decidedAt?: string;
    declineReason?: string;
  }[];
  timeline: { at: string; event: string; actor?: string; details?: Dict }[];
}

const CLOSE_OUTCOMES = ['parole_granted', 'parole_denied', 'transferred', 'removed', 'withdrawn', 'care_established'] as const;

type Notice = { kind: 'ok' | 'bad'; text: string; errors?: FieldProblem[] };

export function CaseFile({ id }: { id: string }) {
  const [detail, setDetail] = useState<Detail | undefined>();
  const [loadError, setLoadError] = useState<string | undefined>();
  const [notice, setNotice] = useState<Notice | undefined>();
  const names = useDoctorNames();

  const load = async () => {
    try {
      setDetail(await api<Detail>('GET', `/api/staff/referrals/${encodeURIComponent(id)}`));
      setLoadError(undefined);
    } catch (e) {
      setLoadError((e as ApiError).status === 404 ? `There is no case ${id}.` : (e as Error).message);
    }
  };
  useEffect(() => void load(), [id]);

  /** Runs an action, then says what it did (or why not) and reloads the case. */
  const act = async (what: () => Promise<string>): Promise<boolean> => {
    try {
      const text = await what();
      setNotice({ kind: 'ok', text });
      await load();
      return true;
    } catch (e) {
      const err = e as ApiError;
      setNotice({ kind: 'bad', text: err.message, errors: err.errors });
      return false;
    } finally {
      requestAnimationFrame(() => document.getElementById('notice')?.focus());
    }
  };

  if (loadError)
    return (
      <>
        <h1>
          {t('Case file')} {id}
        </h1>
        <p class="summary" role="alert">
          {loadError}
        </p>
        <p>
          <a href="#/">{t('Back to the queue')}</a>
        </p>
      </>
    );
  if (!detail)
    return (
      <>
        <h1>
          {t('Case file')} {id}
        </h1>
        <p>Loading…</p>
      </>
    );
  const r = detail.referral ?? {};
  const doctor = detail.assignedDoctorId ? (names[detail.assignedDoctorId] ?? detail.assignedDoctorId) : undefined;
  return (
    <>
      <p>
        <a href="#/">← {t('Back to the queue')}</a>
      </p>
      <h1>
        {t('Case file')} <span class="id">{detail.referralId}</span>
      </h1>
      <p class="status-line">
        <span class={`badge ${detail.urgency}`}>{detail.urgency === 'urgent' ? t('urgent').toUpperCase() : t('routine')}</span>{' '}
        <strong id="case-status">{statusLabel(detail.status)}</strong>
        {detail.holdReason && <> — {holdLabel(detail.holdReason)}</>}
        {detail.duplicateOf && (
          <>
            {' '}
            (of <a href={`#/case/${detail.duplicateOf}`}>{detail.duplicateOf}</a>)
          </>
        )}
        {doctor && (
          <>
            {' '}
            · {t('Assigned to')} <strong id="case-doctor">{doctor}</strong>
            {detail.assignedAt && <> ({dateTime(detail.assignedAt)})</>}
          </>
        )}
        {detail.outcome && <> · outcome: {words(detail.outcome)}</>}
      </p>
      <p class="small">
        Submitted {dateTime(detail.createdAt)} ({relative(detail.createdAt, Date.now())})
        {detail.wave ? (
          <>
            {' '}
            · wave {detail.wave}
            {detail.nextWaveAt && <>, next {dateTime(detail.nextWaveAt)}</>}
          </>
        ) : null}
        {detail.reasons?.length ? <> · {detail.reasons.map(reasonLabel).join(', ')}</> : null}
      </p>

      {notice && (
        <div id="notice" tabIndex={-1} class={notice.kind === 'ok' ? 'panel' : 'summary'} role={notice.kind === 'ok' ? 'status' : 'alert'}>
          <p>{notice.text}</p>
          {notice.errors && notice.errors.length > 0 && (
            <ul class="error-list">
              {notice.errors.map((e) => (
                <li key={e.path}>
                  {e.path}: {e.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}

      <Actions detail={detail} act={act} />

      <h2>{t('Referral')}</h2>
      <div class="grid2">
        <Facts title={t('Client')} data={r.client} />
        <Facts title={t('Custody')} data={r.custody} />
        <Facts title={t('Medical')} data={r.medical} />
        <Facts title={t('Request')} data={r.request} />
        <Facts title={t('Attorney')} data={r.attorney} />
        {detail.release && <Facts title="Release" data={detail.release} />}
      </div>
      <CareAfterRelease detail={detail} reload={load} />
      <CaseDocuments id={detail.referralId} reload={load} />

      <h2>{t('Offers')}</h2>
      {detail.offers.length === 0 ? (
        <p>No doctor has been offered this case.</p>
      ) : (
        <div class="scroll">
          <table class="data" id="offers">
            <thead>
              <tr>
                <th scope="col">Doctor</th>
                <th scope="col">Wave</th>
                <th scope="col">State</th>
                <th scope="col">SMS</th>
                <th scope="col">Email</th>
                <th scope="col">Sent</th>
                <th scope="col">Answered</th>
              </tr>
            </thead>
            <tbody>
              {detail.offers.map((o) => (
                <tr key={o.offerId}>
                  <td>{names[o.doctorId] ?? o.doctorId}</td>
                  <td>{o.wave}</td>
                  <td>
                    <strong>{o.state}</strong>
                    {o.declineReason ? ` (${o.declineReason})` : ''}
                  </td>
                  <td>{o.sms}</td>
                  <td>{o.email}</td>
                  <td>{dateTime(o.createdAt)}</td>
                  <td>{o.decidedAt ? dateTime(o.decidedAt) : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <h2>{t('Timeline')}</h2>
      <ol class="timeline" id="timeline">
        {foldViews(detail.timeline).map((e, i) => (
          <li key={i} data-event={e.event}>
            <time dateTime={e.at}>{dateTime(e.at)}</time>
            {e.views && e.views.count > 1 && (
              <>
                – <time dateTime={e.views.last}>{dateTime(e.views.last)}</time>
              </>
            )}
            <span>{eventText(e, names)}</span>
          </li>
        ))}
      </ol>
    </>
  );
}

function Facts({ title, data }: { title: string; data?: Dict }) {
  if (!data) return null;
  return (
    <section>
      <h3>{title}</h3>
      <dl class="facts">
        {Object.entries(data).map(([k, v]) => {
          const { label, value } = fact(k, v);
          return (
            <Fragment key={k}>
              <dt>{label}</dt>
              <dd data-field={k}>{value}</dd>
            </Fragment>
          );
        })}
      </dl>
    </section>
  );
}

type Act = (what: () => Promise<string>) => Promise<boolean>;

function Actions({ detail, act }: { detail: Detail; act: Act }) {
  const id = encodeURIComponent(detail.referralId);
  const newAttorney = detail.holdReason === 'new_submitter';
  const canApprove =
    detail.status === 'held' || detail.status === 'awaiting_verification' || (newAttorney && detail.status === 'awaiting_review');
  const closed = detail.status === 'closed';
  const [trustSubmitter, setTrustSubmitter] = useState(false);
  return (
    <section aria-labelledby="actions-title">
      <h2 id="actions-title">Actions</h2>
      {canApprove && (
        <Panel title={t('Approve')}>
          <p>
            {newAttorney
              ? 'This attorney is not on the approved list yet, so no doctor has heard of this case.'
              : 'This case is held and pages nobody until approved.'}{' '}
            Approving lets it proceed now{detail.urgency === 'urgent' ? ' (doctors are paged at once)' : ' (doctors get the offer)'}.
          </p>
          {newAttorney && (
            <label class="check">
              <input type="checkbox" checked={trustSubmitter} onChange={(e) => setTrustSubmitter(e.currentTarget.checked)} /> Also approve
              this attorney: their next referrals page doctors without waiting
            </label>
          )}
          <button
            type="button"
            class="button"
            onClick={() =>
              void act(async () => {
                const out = await api<{ status: string }>(
                  'POST',
                  `/api/staff/referrals/${id}/approve`,
                  trustSubmitter ? { trustSubmitter } : undefined,
                );
                return `Approved${trustSubmitter ? ', and the attorney is on the approved list' : ''}. The case is now: ${statusLabel(out.status)}.`;
              })
            }
          >
            {t('Approve')}
          </button>
        </Panel>
      )}
      <NoteForm id={id} act={act} />
      {!closed && <ReleaseForm id={id} act={act} again={detail.status === 'released'} />}
      {!closed && <CloseForm id={id} act={act} />}
    </section>
  );
}

function Panel({ title, children }: { title: string; children: ComponentChildren }) {
  return (
    <details class="panel info" open={title === t('Approve')}>
      <summary>
        <strong>{title}</strong>
      </summary>
      {children}
    </details>
  );
}

function NoteForm({ id, act }: { id: string; act: Act }) {
  const [text, setText] = useState('');
  const [error, setError] = useState<string | undefined>();
  const submit = async (e: Event) => {
    e.preventDefault();
    const trimmed = text.trim();
    if (trimmed.length < 1 || trimmed.length > 4000) return setError('Write a note of 1 to 4000 characters.');
    setError(undefined);
    if (
      await act(async () => {
        await api('POST', `/api/staff/referrals/${id}/notes`, { text: trimmed });
        return 'Note added to the timeline.';
      })
    )
      setText('');
  };
  return (
    <Panel title={t('Add note')}>
      <form onSubmit={submit} novalidate>
        <div class={error ? 'field has-error' : 'field'}>
          <label for="note-text">{t('Note')}</label>
          {error && (
            <p class="error-message" id="note-error">
              {error}
            </p>
          )}
          <textarea
            id="note-text"
            value={text}
            maxLength={4000}
            aria-invalid={error ? 'true' : undefined}
            aria-describedby={error ? 'note-error' : undefined}
            onInput={(e) => setText(e.currentTarget.value)}
          />
        </div>
        <button type="submit" class="button">
          {t('Add note')}
        </button>
      </form>
    </Panel>
  );
}

function ReleaseForm({ id, act, again }: { id: string; act: Act; again: boolean }) {
  const [form, setForm] = useState({
    releasedOn: today(),
    state: '',
    city: '',
    patientPhone: '',
    patientLanguage: 'es',
    smsConsent: false,
  });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const set = (k: keyof typeof form) => (e: Event) => {
    const el = e.currentTarget as HTMLInputElement;
    setForm({ ...form, [k]: el.type === 'checkbox' ? el.checked : el.value });
  };
  const submit = async (e: Event) => {
    e.preventDefault();
    const body = {
      releasedOn: form.releasedOn,
      state: form.state,
      patientLanguage: form.patientLanguage.trim(),
      smsConsent: form.smsConsent,
      ...(form.city.trim() ? { city: form.city.trim() } : {}),
      ...(form.patientPhone.trim() ? { patientPhone: form.patientPhone.trim() } : {}),
    };
    // the same rules as the API, checked here first so mistakes show beside their fields
    const parsed = releaseSchema(today()).safeParse(body);
    const local = parsed.success ? [] : fieldErrors(parsed.error);
    if (local.length) return setErrors(Object.fromEntries(local.map((x) => [x.path, x.message])));
    setErrors({});
    await act(async () => {
      try {
        const out = await api<{ status: string; reminders: { step: string; dueAt: string }[] }>(
          'POST',
          `/api/staff/referrals/${id}/release`,
          body,
        );
        return `Release recorded. ${out.reminders.length} follow-up reminders are planned: ${out.reminders.map((r) => `${words(r.step)} (${dateTime(r.dueAt)})`).join('; ')}.`;
      } catch (err) {
        if (err instanceof ApiError) setErrors(Object.fromEntries(err.errors.map((x) => [x.path, x.message])));
        throw err;
      }
    });
  };
  const field = (k: keyof typeof form, label: string, input: (props: Dict) => preact.JSX.Element, hint?: string) => (
    <div class={errors[k] ? 'field has-error' : 'field'}>
      <label for={`release-${k}`}>{label}</label>
      {hint && (
        <p class="hint" id={`release-${k}-hint`}>
          {hint}
        </p>
      )}
      {errors[k] && (
        <p class="error-message" id={`release-${k}-error`}>
          {errors[k]}
        </p>
      )}
      {input({
        id: `release-${k}`,
        'aria-invalid': errors[k] ? 'true' : undefined,
        'aria-describedby': [hint && `release-${k}-hint`, errors[k] && `release-${k}-error`].filter(Boolean).join(' ') || undefined,
      })}
    </div>
  );
  return (
    <Panel title={again ? `${t('Record release')} (correct it)` : t('Record release')}>
      <form onSubmit={submit} novalidate>
        {field('releasedOn', 'Date of release', (p) => (
          <input {...p} type="date" class="short" value={form.releasedOn} onInput={set('releasedOn')} />
        ))}
        {field('state', 'State the patient is going to', (p) => (
          <select {...p} class="short" value={form.state} onChange={set('state')}>
            <option value="">Choose…</option>
            {[...US_STATES].sort().map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        ))}
        {field('city', 'City (optional)', (p) => (
          <input {...p} type="text" value={form.city} onInput={set('city')} />
        ))}
        {field(
          'patientPhone',
          "Patient's phone (optional)",
          (p) => (
            <input {...p} type="tel" value={form.patientPhone} onInput={set('patientPhone')} />
          ),
          'A US or Canadian (+1) number that can get SMS.',
        )}
        {field(
          'patientLanguage',
          "Patient's language for reminders",
          (p) => (
            <>
              <input
                {...p}
                type="text"
                class="short"
                list="release-languages"
                value={form.patientLanguage}
                onInput={set('patientLanguage')}
                autocapitalize="none"
                spellcheck={false}
              />
              <datalist id="release-languages">
                {LANGUAGES.map((l) => (
                  <option key={l.tag} value={l.tag}>
                    {l.en}
                  </option>
                ))}
              </datalist>
            </>
          ),
          "A language code, e.g. es Spanish, quc K'iche', mam Mam.",
        )}
        <div class="field">
          <label class="check">
            <input type="checkbox" id="release-smsConsent" checked={form.smsConsent} onChange={set('smsConsent')} /> The patient agrees to
            SMS reminders
          </label>
        </div>
        <button type="submit" class="button">
          {t('Record release')}
        </button>
      </form>
    </Panel>
  );
}

function CloseForm({ id, act }: { id: string; act: Act }) {
  const [outcome, setOutcome] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | undefined>();
  return (
    <Panel title={t('Close case')}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!outcome) return setError('Choose the outcome.');
          setError(undefined);
          setConfirming(true);
        }}
        novalidate
      >
        <div class={error ? 'field has-error' : 'field'}>
          <label for="close-outcome">Outcome</label>
          {error && (
            <p class="error-message" id="close-error">
              {error}
            </p>
          )}
          <select
            id="close-outcome"
            class="short"
            value={outcome}
            aria-describedby={error ? 'close-error' : undefined}
            onChange={(e) => {
              setOutcome(e.currentTarget.value);
              setConfirming(false);
            }}
          >
            <option value="">Choose…</option>
            {CLOSE_OUTCOMES.map((o) => (
              <option key={o} value={o}>
                {words(o)}
              </option>
            ))}
          </select>
        </div>
        {!confirming && (
          <button type="submit" class="button danger">
            {t('Close case')}…
          </button>
        )}
      </form>
      {confirming && (
        <div role="group" aria-label="Confirm closing">
          <p>
            Close this case as <strong>{words(outcome)}</strong>? Pending pages and reminders are cancelled.
          </p>
          <div class="actions">
            <button
              type="button"
              class="button danger"
              onClick={() =>
                void act(async () => {
                  const out = await api<{ status: string }>('POST', `/api/staff/referrals/${id}/close`, { outcome });
                  setConfirming(false);
                  return `Case closed (${words(outcome)}). Status: ${statusLabel(out.status)}; pending pages and reminders were cancelled.`;
                })
              }
            >
              Yes, close the case
            </button>
            <button type="button" class="button secondary" onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </div>
        </div>
      )}
    </Panel>
  );
}
