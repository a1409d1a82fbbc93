import { useState } from 'preact/hooks';
import type { ApiError, FieldProblem } from './api.js';

export interface ImportFileProps {
  /** Element ids are made from it: `<id>-title`, `<id>-errors`, `<id>-preview`. */
  id: string;
  /** The file input's id. */
  fileId: string;
  title: string;
  hint: preact.ComponentChildren;
  fileLabel: string;
  /** What importing replaces, e.g. "the whole roster". */
  replaces: string;
  button: string;
  /** Checks a parsed file without changing anything: every error ([] when valid) and what it holds, in words. */
  check: (doc: unknown) => Promise<{ errors: FieldProblem[]; counts: string }>;
  /** Applies it (all or nothing); answers what was done, in words. */
  apply: (doc: unknown, fileName: string, counts: string) => Promise<string>;
}

/** Reads a JSON file, lists every error before anything changes, and only then offers the import. */
export function ImportFile(props: ImportFileProps) {
  const { id } = props;
  const [doc, setDoc] = useState<unknown>();
  const [fileName, setFileName] = useState('');
  const [errors, setErrors] = useState<FieldProblem[] | undefined>();
  const [counts, setCounts] = useState('');
  const [result, setResult] = useState<{ ok: boolean; text: string } | undefined>();

  const read = async (file: File | undefined) => {
    setResult(undefined);
    setErrors(undefined);
    setDoc(undefined);
    if (!file) return;
    setFileName(file.name);
    let parsed: unknown;
    try {
      parsed = JSON.parse(await file.text());
    } catch {
      setErrors([{ path: '(file)', message: 'is not valid JSON' }]);
      return;
    }
    try {
      const checked = await props.check(parsed);
      setDoc(parsed);
      setErrors(checked.errors);
      setCounts(checked.counts);
    } catch (e) {
      setResult({ ok: false, text: (e as ApiError).message });
    }
  };
  const apply = async () => {
    try {
      setResult({ ok: true, text: await props.apply(doc, fileName, counts) });
      setDoc(undefined);
      setErrors(undefined);
    } catch (e) {
      const err = e as ApiError;
      if (err.errors.length) setErrors(err.errors);
      setResult({ ok: false, text: err.message });
    }
  };
  return (
    <section aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{props.title}</h2>
      <p class="hint">{props.hint}</p>
      <div class="field">
        <label for={props.fileId}>{props.fileLabel}</label>
        <input id={props.fileId} type="file" accept=".json,application/json" onChange={(e) => void read(e.currentTarget.files?.[0])} />
      </div>
      {errors && errors.length > 0 && (
        <div class="summary" role="alert" id={`${id}-errors`}>
          <h3>
            {errors.length} {errors.length === 1 ? 'problem' : 'problems'} in {fileName}; nothing will be changed
          </h3>
          <ul class="error-list">
            {errors.map((e) => (
              <li key={e.path}>
                <code>{e.path}</code> {e.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      {errors && errors.length === 0 && doc !== undefined && (
        <div class="panel info" role="status" id={`${id}-preview`}>
          <p>
            {fileName} is valid: {counts}. Importing replaces {props.replaces}.
          </p>
          <button type="button" class="button" onClick={() => void apply()}>
            {props.button}
          </button>
        </div>
      )}
      {result && (
        <p class={result.ok ? 'panel' : 'summary'} role={result.ok ? 'status' : 'alert'}>
          {result.text}
        </p>
      )}
    </section>
  );
}
