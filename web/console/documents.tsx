import { useEffect, useState } from 'preact/hooks';
import { api, type ApiError } from './api.js';
import { dateTime } from './format.js';
import { t } from './i18n.js';
import type { CaseDocument } from '../../functions/documents/contract.js';

const STATUS: Record<CaseDocument['status'], string> = {
  scanning: 'being scanned',
  available: 'available',
  rejected: 'rejected (deleted)',
};

/**
 * The case file's documents: who added each, when, and where its scan stands; an available one downloads
 * through a short-lived link, and each download goes on the timeline (the case is read again to show it).
 */
export function CaseDocuments({ id, reload }: { id: string; reload: () => Promise<void> }) {
  const [items, setItems] = useState<CaseDocument[] | undefined>();
  const [problem, setProblem] = useState<string | undefined>();
  const base = `/api/cases/${encodeURIComponent(id)}/documents`;

  const load = async () => {
    try {
      setItems((await api<{ items: CaseDocument[] }>('GET', base)).items);
    } catch (e) {
      setProblem((e as ApiError).message);
    }
  };
  useEffect(() => {
    void load();
  }, [id]);

  const download = async (doc: CaseDocument) => {
    try {
      const { url } = await api<{ url: string }>('GET', `${base}/${encodeURIComponent(doc.documentId)}`);
      setProblem(undefined);
      await reload();
      location.assign(url);
    } catch (e) {
      setProblem(
        (e as ApiError).status === 409
          ? 'This document cannot be downloaded: it is not available (still being scanned, or rejected).'
          : (e as Error).message,
      );
    }
  };

  return (
    <section aria-labelledby="documents-title">
      <h2 id="documents-title">{t('Documents')}</h2>
      {problem && (
        <p class="summary" role="alert">
          {problem}
        </p>
      )}
      {items === undefined && !problem && <p>Loading…</p>}
      {items?.length === 0 && <p>No documents on this case.</p>}
      {items && items.length > 0 && (
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must take focus to scroll by keyboard (axe scrollable-region-focusable)
        <div class="scroll" tabIndex={0} role="region" aria-label="Documents table">
          <table class="data" id="documents">
            <thead>
              <tr>
                <th scope="col">File</th>
                <th scope="col">Kind</th>
                <th scope="col">Status</th>
                <th scope="col">Added by</th>
                <th scope="col">Added</th>
                <th scope="col">
                  <span class="visually-hidden">Download</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((d) => (
                <tr key={d.documentId} data-status={d.status}>
                  <td>{d.fileName}</td>
                  <td>{d.kind.replaceAll('_', ' ')}</td>
                  <td>
                    <strong>{STATUS[d.status] ?? d.status}</strong>
                  </td>
                  <td>{d.uploadedBy}</td>
                  <td>{dateTime(d.uploadedAt)}</td>
                  <td>
                    {d.status === 'available' && (
                      <button type="button" class="button secondary" onClick={() => void download(d)}>
                        Download <span class="visually-hidden">{d.fileName}</span>
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
