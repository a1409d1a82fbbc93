import { useEffect, useState } from 'preact/hooks';
import type { Clinic } from '../../shared/domain/clinics.js';
import { api, type ApiError } from './api.js';
import { ImportFile } from './import-file.js';

const SERVICE_LABELS: Record<string, string> = {
  primary_care: 'primary care',
  mental_health: 'mental health',
  substance_use: 'substance use',
  tb: 'TB',
  hiv: 'HIV',
};
export const serviceLabel = (s: string) => SERVICE_LABELS[s] ?? s;
export const costLabel = (c: string) => ({ free: 'free', sliding_scale: 'sliding scale', insured_only: 'insured only' })[c] ?? c;

/** The clinic directory: every clinic as imported, and the import with a preview of every error. */
export function ClinicsPage() {
  const [clinics, setClinics] = useState<Clinic[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  const load = async () => {
    try {
      setClinics((await api<{ clinics: Clinic[] }>('GET', '/api/staff/clinics')).clinics);
    } catch (e) {
      setError((e as ApiError).message);
    }
  };
  useEffect(() => void load(), []);
  return (
    <>
      <h1>Clinic directory</h1>
      {error && (
        <p class="summary" role="alert">
          {error}
        </p>
      )}
      <section aria-labelledby="directory-title">
        <h2 id="directory-title">Clinics ({clinics?.length ?? '…'})</h2>
        {clinics && clinics.length === 0 && <p>The directory is empty: import one below.</p>}
        {clinics && clinics.length > 0 && (
          <>
            {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must take focus to scroll by keyboard (axe scrollable-region-focusable) */}
            <div class="scroll" tabIndex={0} role="region" aria-label="Clinic directory table">
              <table class="data" id="clinic-table">
                <thead>
                  <tr>
                    <th scope="col">Clinic</th>
                    <th scope="col">Where</th>
                    <th scope="col">Languages</th>
                    <th scope="col">Services</th>
                    <th scope="col">Cost</th>
                    <th scope="col">Active</th>
                  </tr>
                </thead>
                <tbody>
                  {clinics.map((c) => (
                    <tr key={c.id}>
                      <td>
                        {c.name}
                        <br />
                        <span class="small muted">{c.id}</span>
                      </td>
                      <td>
                        {c.address.city}, {c.address.state} {c.address.zip}
                      </td>
                      <td>{c.languages.join(', ')}</td>
                      <td>{c.services.map(serviceLabel).join(', ')}</td>
                      <td>
                        {costLabel(c.cost)}
                        {c.acceptsUninsured ? '; uninsured welcome' : ''}
                      </td>
                      <td>{c.active ? 'yes' : 'no'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
      </section>
      <Import onApplied={() => void load()} />
    </>
  );
}

/** A directory file checked by the server without changing anything (`?dryRun=true`: the ZIP table is not in this page). */
function Import({ onApplied }: { onApplied: () => void }) {
  return (
    <ImportFile
      id="clinic-import"
      fileId="clinic-file"
      title="Import a clinic directory"
      hint={
        <>
          A JSON file <code>{'{"clinics": [...]}'}</code>. Every clinic is checked first, its ZIP code included; nothing changes unless
          every clinic is valid.
        </>
      }
      fileLabel="Directory file"
      replaces="the whole directory"
      button="Import directory"
      check={async (doc) => {
        try {
          const checked = await api<{ clinics: number; active: number }>('PUT', '/api/staff/clinics?dryRun=true', doc);
          return { errors: [], counts: `${checked.clinics} clinics, ${checked.active} active` };
        } catch (e) {
          if ((e as ApiError).errors.length) return { errors: (e as ApiError).errors, counts: '' };
          throw e;
        }
      }}
      apply={async (doc, fileName, counts) => {
        await api('PUT', '/api/staff/clinics', doc);
        onApplied();
        return `Directory imported from ${fileName} (${counts}). It replaced the previous directory.`;
      }}
    />
  );
}
