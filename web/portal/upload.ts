/**
 * A file sent to storage with the presigned POST the API handed out (its policy fixes the key, the content
 * type and the size range), through XMLHttpRequest so the page can show progress. What storage answers
 * is read from its XML error code: S3 refuses a file over the policy's size (`EntityTooLarge`), a wrong
 * content type or an expired policy (`AccessDenied`), each told apart for the person uploading.
 */
export type UploadResult = 'ok' | 'too_big' | 'too_small' | 'expired' | 'refused' | 'network';

export function uploadFile(
  upload: { url: string; fields: Record<string, string> },
  file: File,
  onProgress: (fraction: number) => void,
): Promise<UploadResult> {
  const form = new FormData();
  for (const [name, value] of Object.entries(upload.fields)) form.append(name, value);
  form.append('file', file); // last: S3 ignores fields after the file
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', upload.url);
    xhr.upload.addEventListener('progress', (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    });
    xhr.addEventListener('load', () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(1);
        return resolve('ok');
      }
      resolve(refusal(xhr.responseText));
    });
    xhr.addEventListener('error', () => resolve('network'));
    xhr.addEventListener('timeout', () => resolve('network'));
    xhr.send(form);
  });
}

/** What an S3 error document says, in the page's terms. */
export function refusal(xml: string): UploadResult {
  const code = /<Code>([^<]+)<\/Code>/.exec(xml)?.[1] ?? '';
  const message = /<Message>([^<]+)<\/Message>/.exec(xml)?.[1] ?? '';
  if (code === 'EntityTooLarge') return 'too_big';
  if (code === 'EntityTooSmall') return 'too_small';
  if (/expired/i.test(message) || code === 'ExpiredToken') return 'expired';
  return 'refused';
}

/** Content types by file extension, for browsers that give none (HEIC often comes without one). */
const TYPES: Record<string, string> = {
  pdf: 'application/pdf',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  heic: 'image/heic',
};

/** The content type the API is told: the browser's when it is one the API takes, else the extension's; undefined for neither. */
export function contentTypeOf(file: { name: string; type: string }): string | undefined {
  if (Object.values(TYPES).includes(file.type)) return file.type;
  return TYPES[file.name.split('.').pop()?.toLowerCase() ?? ''];
}
