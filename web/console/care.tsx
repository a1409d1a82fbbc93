import { useEffect, useState } from 'preact/hooks';
import { CLINIC_SERVICES, type Clinic } from '../../shared/domain/clinics.js';
import { api, type ApiError, type FieldProblem } from './api.js';
import { costLabel, serviceLabel } from './clinics.js';
import { dateTime } from './format.js';

type Ranked = Clinic & { distanceMiles: number; why: string[] };
interface Release {
  zip?: string;
  needs?: string[];
  insured?: boolean;
  [field: string]: unknown;
}
interface CaseFacts {
  referralId: string;
  status: string;
  release?: Release;
  handoff?: { number: number; clinicId: string; clinicName: string; at: string; by: string };
  careEstablishedAt?: string;
}
interface HandoffAnswer {
  patientSms: string;
  clinicEmail: string;
  interpreterNeeded: boolean;
  checkIns: { step: string; dueAt: string }[];
}

const RADII = [10, 25, 50, 100, 200];
const SMS_WORDS: Record<string, string> = {
  sent: 'The patient got an SMS with the clinic details.',
  failed: 'The SMS to the patient could not be sent: call them.',
  opted_out: 'The patient replied STOP earlier, so no SMS was sent: call them.',
  no_consent: 'The patient gets no SMS (no consent or no number): call them with the clinic details.',
};
const EMAIL_WORDS: Record<string, string> = {
  sent: 'The clinic got an email introducing the referral by id.',
  failed: 'The email to the clinic could not be sent: call the clinic.',
  no_address: 'The clinic has no email address: call the clinic.',
};

/**
 * Care after release on a released case: where the patient goes (ZIP, needs, insurance), the clinics
 * ranked for them as a list that reads on a phone, and the handoff to one of them.
 */
export function CareAfterRelease({ detail, reload }: { detail: CaseFacts; reload: () => Promise<void> }) {
  const release = detail.release;
  const [radius, setRadius] = useState(50);
  const [ranked, setRanked] = useState<Ranked[] | undefined>();
  const [problem, setProblem] = useState<string | undefined>();
  const [notice, setNotice] = useState<{ ok: boolean; text: string; errors?: FieldProblem[] } | undefined>();

  const load = async () => {
    setProblem(undefined);
    if (!release?.zip) return setRanked(undefined);
    try {
      const id = encodeURIComponent(detail.referralId);
      setRanked((await api<{ clinics: Ranked[] }>('GET', `/api/staff/referrals/${id}/clinics?radiusMiles=${radius}`)).clinics);
    } catch (e) {
      setProblem((e as ApiError).message);
    }
  };
  useEffect(() => void load(), [detail.referralId, release?.zip, (release?.needs ?? []).join(), release?.insured, radius]);
  if (!release) return null;
  const open = detail.status === 'released';

  const handOff = async (clinic: Ranked) => {
    const again = detail.handoff ? ` This replaces the handoff to ${detail.handoff.clinicName}.` : '';
    if (!confirm(`Hand the patient over to ${clinic.name}?${again}`)) return;
    try {
      const id = encodeURIComponent(detail.referralId);
      const out = await api<HandoffAnswer>('POST', `/api/staff/referrals/${id}/handoff`, { clinicId: clinic.id, shareDocumentIds: [] });
      const lines = [
        `Handed over to ${clinic.name}.`,
        SMS_WORDS[out.patientSms] ?? '',
        out.interpreterNeeded ? "There is no SMS in the patient's language: it went in English. Call them with an interpreter." : '',
        EMAIL_WORDS[out.clinicEmail] ?? '',
        out.checkIns.length
          ? `Check-ins: ${out.checkIns
              .filter((c) => !c.step.startsWith('checkin_day33'))
              .map((c) => dateTime(c.dueAt))
              .join(', ')}.`
          : '',
      ];
      setNotice({ ok: true, text: lines.filter(Boolean).join(' ') });
      await reload();
    } catch (e) {
      const err = e as ApiError;
      setNotice({ ok: false, text: err.message, errors: err.errors });
    }
  };

  return (
    <section aria-labelledby="care-title" id="care">
      <h2 id="care-title">Care after release</h2>
      {detail.handoff && (
        <p class="panel" id="care-handoff">
          Handed over to <strong>{detail.handoff.clinicName}</strong> on {dateTime(detail.handoff.at)}
          {detail.handoff.number > 1 ? ` (handoff ${detail.handoff.number}; earlier ones superseded)` : ''}.
          {detail.careEstablishedAt && (
            <>
              {' '}
              <strong>The patient says they were seen ({dateTime(detail.careEstablishedAt)}).</strong> Confirm, then close the case with the
              outcome “care established”.
            </>
          )}
        </p>
      )}
      {notice && (
        <div class={notice.ok ? 'panel' : 'summary'} role={notice.ok ? 'status' : 'alert'} id="care-notice">
          <p>{notice.text}</p>
          {notice.errors?.length ? (
            <ul class="error-list">
              {notice.errors.map((e) => (
                <li key={e.path}>
                  <code>{e.path}</code> {e.message}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      )}
      {open && <Destination referralId={detail.referralId} release={release} reload={reload} />}
      {release.zip && (
        <>
          <div class="field">
            <label for="care-radius">Within</label>
            <select id="care-radius" value={radius} onChange={(e) => setRadius(Number(e.currentTarget.value))}>
              {RADII.map((r) => (
                <option key={r} value={r}>
                  {r} miles of {release.zip}
                </option>
              ))}
            </select>
          </div>
          {problem && (
            <p class="summary" role="alert">
              {problem}
            </p>
          )}
          {ranked && ranked.length === 0 && (
            <p id="care-none">No clinic of the directory fits within {radius} miles. Try a wider radius.</p>
          )}
          {ranked && ranked.length > 0 && (
            <ol class="clinics" id="care-clinics">
              {ranked.map((c) => (
                <li key={c.id} class="panel">
                  <h3>
                    {c.name} <span class="muted small">· {c.distanceMiles} mi</span>
                  </h3>
                  <p class="small">{c.why.map(serviceLabel).join(' · ')}</p>
                  <p>
                    {c.address.line1}, {c.address.city}, {c.address.state} {c.address.zip}
                    <br />
                    <a href={`tel:${c.phone}`}>{c.phone}</a>
                    {c.hours && <> · {c.hours}</>}
                    <br />
                    <span class="small">
                      {costLabel(c.cost)} · speaks {c.languages.join(', ')}
                    </span>
                  </p>
                  {c.notes && <p class="small">{c.notes}</p>}
                  {open && detail.handoff?.clinicId !== c.id && (
                    <button type="button" class="button" onClick={() => void handOff(c)}>
                      Hand over to this clinic
                    </button>
                  )}
                  {detail.handoff?.clinicId === c.id && <p class="small">Current clinic.</p>}
                </li>
              ))}
            </ol>
          )}
        </>
      )}
      <p class="hint">Case documents cannot be shared with a clinic yet: the clinic email introduces the referral by id only.</p>
    </section>
  );
}

/** Where the patient goes: ZIP, needs and insurance, recorded with the release (its date and reminders stay). */
function Destination({ referralId, release, reload }: { referralId: string; release: Release; reload: () => Promise<void> }) {
  const [zip, setZip] = useState(release.zip ?? '');
  const [needs, setNeeds] = useState<string[]>(release.needs ?? []);
  const [insured, setInsured] = useState(release.insured ?? false);
  const [errors, setErrors] = useState<FieldProblem[]>([]);
  const save = async (e: Event) => {
    e.preventDefault();
    try {
      const { zip: _z, needs: _n, insured: _i, ...rest } = release;
      await api('POST', `/api/staff/referrals/${encodeURIComponent(referralId)}/release`, {
        ...rest,
        zip: zip.trim() || undefined,
        needs,
        insured,
      });
      setErrors([]);
      await reload();
    } catch (err) {
      setErrors((err as ApiError).errors.length ? (err as ApiError).errors : [{ path: '', message: (err as ApiError).message }]);
    }
  };
  const toggle = (s: string) => setNeeds(needs.includes(s) ? needs.filter((n) => n !== s) : [...needs, s]);
  return (
    <details class="panel info" open={!release.zip}>
      <summary>
        <strong>Where the patient goes</strong>
      </summary>
      <form onSubmit={(e) => void save(e)} noValidate>
        <div class="field">
          <label for="care-zip">ZIP code where the patient will live</label>
          <input id="care-zip" class="short" inputMode="numeric" maxLength={5} value={zip} onInput={(e) => setZip(e.currentTarget.value)} />
        </div>
        <fieldset>
          <legend>Needs</legend>
          {CLINIC_SERVICES.map((s) => (
            <label key={s} class="check">
              <input type="checkbox" checked={needs.includes(s)} onChange={() => toggle(s)} /> {serviceLabel(s).replace(/_/g, ' ')}
            </label>
          ))}
        </fieldset>
        <label class="check">
          <input type="checkbox" checked={insured} onChange={(e) => setInsured(e.currentTarget.checked)} /> The patient has health insurance
        </label>
        {errors.length > 0 && (
          <ul class="error-list" role="alert">
            {errors.map((e) => (
              <li key={e.path}>
                {e.path && <code>{e.path}</code>} {e.message}
              </li>
            ))}
          </ul>
        )}
        <button type="submit" class="button secondary">
          Save and find clinics
        </button>
      </form>
    </details>
  );
}
