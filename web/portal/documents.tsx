import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from './api.js';
import { say, t, when } from './i18n.js';
import { contentTypeOf, uploadFile, type UploadResult } from './upload.js';
import type { CaseDocument } from '../../functions/documents/contract.js';

/** What each side may upload (the API says the same, and has the last word). */
const KINDS = { attorney: ['medical_record', 'other'], doctor: ['declaration', 'evaluation'] } as const;
export const MAX_BYTES = 25 * 1024 * 1024;
export const MAX_DOCUMENTS = 20;
const ACCEPT = '.pdf,.jpg,.jpeg,.png,.heic,application/pdf,image/jpeg,image/png,image/heic';
const POLL_MS = 2000;

const size = (bytes: number) =>
  bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;

type Notice = { tone: 'bad' | 'info'; text: string } | undefined;

const UPLOAD_REFUSALS: Record<Exclude<UploadResult, 'ok'>, string> = {
  too_big: 'This file is too big: the limit is 25 MB. Split it or scan it at a lower resolution.',
  too_small: 'This file is empty.',
  expired: 'The upload took too long and its permission expired. Try again.',
  refused: 'The upload was refused by the storage. Try again; if it keeps happening, contact the program.',
  network: 'The upload did not finish: the connection failed. Try again.',
};

/**
 * The documents of a case: the list (status, who, when), a download for each available one, and the
 * upload of what this side may add, with progress and a clear word for each refusal. While a document
 * is being scanned the list is read again every few seconds; a rejection is said once, in an alert.
 */
export function Documents({ referralId, role, retention }: { referralId: string; role: 'attorney' | 'doctor'; retention?: string }) {
  const [items, setItems] = useState<CaseDocument[] | undefined>();
  const [loadFailed, setLoadFailed] = useState(false);
  const [notice, setNotice] = useState<Notice>();
  const [progress, setProgress] = useState<number | undefined>();
  const [kind, setKind] = useState<string>(KINDS[role][0]);
  const file = useRef<HTMLInputElement>(null);
  const seen = useRef(new Map<string, CaseDocument['status']>());
  const base = `/api/cases/${encodeURIComponent(referralId)}/documents`;

  const load = async () => {
    const res = await api<{ items: CaseDocument[] }>('GET', base);
    if (res.status !== 200) return setLoadFailed(true);
    setLoadFailed(false);
    const rejectedNow = res.body.items.some((d) => d.status === 'rejected' && seen.current.get(d.documentId) === 'scanning');
    for (const d of res.body.items) seen.current.set(d.documentId, d.status);
    if (rejectedNow) {
      setNotice({
        tone: 'bad',
        text: t(
          'A document was rejected by the malware check and deleted. Nobody can open it. If the file is what you meant to send, save it again as a PDF and upload that.',
        ),
      });
    }
    setItems(res.body.items);
  };

  useEffect(() => {
    void load();
  }, [referralId]);
  const scanning = items?.some((d) => d.status === 'scanning') ?? false;
  useEffect(() => {
    if (!scanning) return;
    const timer = setInterval(() => void load(), POLL_MS);
    return () => clearInterval(timer);
  }, [scanning]);

  const refuse = (text: string) => {
    setProgress(undefined);
    setNotice({ tone: 'bad', text: t(text) });
  };

  const send = async (e: Event) => {
    e.preventDefault();
    if (progress !== undefined) return;
    const chosen = file.current?.files?.[0];
    if (!chosen) return refuse('Choose a file first.');
    const contentType = contentTypeOf(chosen);
    if (!contentType) return refuse('This kind of file cannot be added: use a PDF, JPEG, PNG or HEIC file.');
    if (chosen.size > MAX_BYTES) return refuse(UPLOAD_REFUSALS.too_big);
    if (chosen.size === 0) return refuse(UPLOAD_REFUSALS.too_small);
    if ((items?.length ?? 0) >= MAX_DOCUMENTS) return refuse(LIMIT);
    setNotice(undefined);
    setProgress(0);
    const created = await api<{ documentId: string; upload: { url: string; fields: Record<string, string> }; errors?: { path: string }[] }>(
      'POST',
      base,
      { kind, fileName: chosen.name, contentType, size: chosen.size },
    );
    if (created.status === 409) return refuse(LIMIT);
    if (created.status === 422) {
      const path = created.body.errors?.[0]?.path;
      return refuse(
        path === 'size'
          ? UPLOAD_REFUSALS.too_big
          : path === 'contentType'
            ? 'This kind of file cannot be added: use a PDF, JPEG, PNG or HEIC file.'
            : UPLOAD_REFUSALS.refused,
      );
    }
    if (created.status !== 201) return refuse(created.status === 0 ? UPLOAD_REFUSALS.network : UPLOAD_REFUSALS.refused);
    seen.current.set(created.body.documentId, 'scanning');
    const result = await uploadFile(created.body.upload, chosen, (f) => setProgress(Math.round(f * 100)));
    if (result !== 'ok') {
      await load();
      return refuse(UPLOAD_REFUSALS[result]);
    }
    setProgress(undefined);
    if (file.current) file.current.value = '';
    setNotice({ tone: 'info', text: t('Uploaded. It is being checked for malware; it can be opened once the check is done.') });
    await load();
  };

  const download = async (doc: CaseDocument) => {
    const res = await api<{ url: string }>('GET', `${base}/${encodeURIComponent(doc.documentId)}`);
    if (res.status === 200 && typeof res.body.url === 'string') return location.assign(res.body.url);
    setNotice({
      tone: 'bad',
      text: t(res.status === 409 ? 'This document is not ready to open yet.' : 'The download could not start. Try again.'),
    });
  };

  return (
    <section aria-labelledby="documents-title">
      <h2 id="documents-title">{t('Documents')}</h2>
      {retention && <p>{retention}</p>}
      <div role="status" aria-live="polite">
        {notice?.tone === 'info' && <p class="panel info">{notice.text}</p>}
      </div>
      <div role="alert">{notice?.tone === 'bad' && <p class="panel bad">{notice.text}</p>}</div>
      {loadFailed && <p class="panel bad">{t('The page could not load: the server or the connection failed. Try again in a moment.')}</p>}
      {items === undefined && !loadFailed && <p>{t('Loading…')}</p>}
      {items?.length === 0 && <p>{t('No documents yet.')}</p>}
      {items && items.length > 0 && (
        <ul class="documents">
          {items.map((d) => (
            <li key={d.documentId} class="document">
              <p class="document-name">{d.fileName}</p>
              <p class="document-meta">
                {say(d.kind)} · {size(d.size)} · {t('Uploaded by')} {say(d.uploadedBy)} · {when(d.uploadedAt)}
              </p>
              <p class={`document-status ${d.status}`}>
                {t('Status')}: {say(d.status)}
              </p>
              {d.status === 'available' && (
                <button type="button" class="button secondary" onClick={() => void download(d)}>
                  {t('Download')} <span class="visually-hidden">{d.fileName}</span>
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      <form class="upload" onSubmit={send} aria-busy={progress !== undefined}>
        <h3>{t('Add a document')}</h3>
        <p class="hint" id="upload-hint">
          {t(
            'PDF, JPEG, PNG or HEIC, up to 25 MB, at most 20 documents per referral. Each file is checked for malware before anyone can open it.',
          )}
        </p>
        <div class="field">
          <label for="upload-kind">{t('Kind of document')}</label>
          <select id="upload-kind" value={kind} onChange={(e) => setKind((e.target as HTMLSelectElement).value)}>
            {KINDS[role].map((k) => (
              <option key={k} value={k}>
                {say(k)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="upload-file">{t('File')}</label>
          <input id="upload-file" type="file" accept={ACCEPT} ref={file} aria-describedby="upload-hint" />
        </div>
        {progress !== undefined && (
          <div class="progress">
            <label for="upload-progress">{t('Upload progress')}</label>
            <progress id="upload-progress" max={100} value={progress}>
              {progress}%
            </progress>
            <span aria-hidden="true"> {progress}%</span>
          </div>
        )}
        <button type="submit" class="button" disabled={progress !== undefined}>
          {progress !== undefined ? t('Uploading…') : t('Upload')}
        </button>
      </form>
    </section>
  );
}

const LIMIT = 'This referral already has 20 documents, the most it can hold. Ask the program if you need to send more.';
