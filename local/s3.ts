import { GetObjectTaggingCommand, ListObjectsV2Command, PutObjectCommand, PutObjectTaggingCommand, S3Client } from '@aws-sdk/client-s3';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import S3rver from 's3rver';
import { listen } from './net.js';
import { readBody } from './server.js';

/** The local bucket of case documents. */
export const LOCAL_BUCKET = 'medreview-documents';
/** s3rver's built-in key pair: the only one it (and the policy check here) accepts. */
export const S3_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
/** The tag GuardDuty Malware Protection for S3 sets, and the bucket policy reads. */
export const SCAN_TAG = 'GuardDutyMalwareScanStatus';
/** What is read of a POST body at most: far above any policy's 25 MiB, to answer EntityTooLarge rather than cut the connection. */
const MAX_POST_BYTES = 64 * 1024 * 1024;

export interface LocalS3 {
  /** Where the S3 clients send their requests (path-style), and where browsers POST uploads. */
  endpoint: string;
  bucket: string;
  /** A client for this server with the accepted credentials (the local adapter's: `FAULTS` may fail its calls). */
  client(): S3Client;
  /** The objects stored without a scan verdict (a run killed between an upload and its scan), with their bytes. */
  unscanned(): Promise<{ key: string; bytes: Uint8Array }[]>;
  /** Empties the bucket. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

export interface LocalS3Options {
  /** The folder s3rver keeps the objects in. */
  directory: string;
  /** The origins whose pages may POST uploads and read answers (the site's): CORS. */
  origins: () => string[];
  /** Called once an upload is stored (the local malware scanner). */
  onStored: (key: string, bytes: Uint8Array) => void;
}

/**
 * An S3-compatible server from npm (s3rver, objects on disk) behind a front that does what s3rver does
 * not and the bucket does in AWS:
 * - a presigned POST is checked as S3 checks it: the policy's signature (SigV4), its expiry, every
 *   condition (key, Content-Type, `content-length-range`) and no field outside them; refusals answer
 *   S3's status and XML error code (`SignatureDoesNotMatch`, `AccessDenied`, `EntityTooLarge`, …)
 * - GetObject of an object whose `GuardDutyMalwareScanStatus` tag is not `NO_THREATS_FOUND` is denied
 *   (403 AccessDenied), as the bucket policy denies it
 * - CORS for the site's origin only
 * Everything else (the SDK's calls, presigned GETs, whose signature s3rver checks) goes to s3rver.
 */
export async function startLocalS3(options: LocalS3Options): Promise<LocalS3> {
  mkdirSync(options.directory, { recursive: true });
  const s3rver = new S3rver({ directory: options.directory, silent: true, configureBuckets: [{ name: LOCAL_BUCKET }] });
  await s3rver.configureBuckets();
  const inner = s3rver.getMiddleware();
  let endpoint = '';
  // the front's own client, never faulted: stores accepted uploads and reads tags
  const own = () => new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: S3_CREDENTIALS });
  let internal: S3Client | undefined;

  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const origin = req.headers.origin;
      const allowed = origin !== undefined && options.origins().includes(origin);
      if (allowed) {
        res.setHeader('Access-Control-Allow-Origin', origin);
        res.setHeader('Vary', 'Origin');
        res.setHeader('Access-Control-Expose-Headers', 'ETag');
      }
      if (req.method === 'OPTIONS') {
        if (!allowed) return s3Error(res, 403, 'AccessForbidden', 'CORSResponse: This CORS request is not allowed.');
        res.writeHead(200, {
          'Access-Control-Allow-Methods': 'GET, HEAD, POST',
          'Access-Control-Allow-Headers': req.headers['access-control-request-headers'] ?? '',
          'Access-Control-Max-Age': '600',
        });
        return res.end();
      }
      const path = decodeURIComponent(url.pathname);
      if (req.method === 'POST' && (path === `/${LOCAL_BUCKET}` || path === `/${LOCAL_BUCKET}/`) && !url.search) {
        internal ??= own();
        return await acceptPost(req, res, internal, options.onStored);
      }
      const objectKey = path.startsWith(`/${LOCAL_BUCKET}/`) ? path.slice(LOCAL_BUCKET.length + 2) : '';
      if ((req.method === 'GET' || req.method === 'HEAD') && objectKey && !hasSubresource(url)) {
        internal ??= own();
        if ((await scanStatus(internal, objectKey)) !== 'NO_THREATS_FOUND') {
          return s3Error(res, 403, 'AccessDenied', 'Access Denied');
        }
      }
      // s3rver answers CORS by its own (absent) configuration: the front's headers above stand
      inner(req, res);
    } catch (error) {
      if (!res.headersSent) s3Error(res, 500, 'InternalError', `local S3 error: ${(error as Error).name}`);
    }
  });
  const port = await listen(server, 0);
  endpoint = `http://127.0.0.1:${port}`;

  return {
    endpoint,
    bucket: LOCAL_BUCKET,
    client: own,
    async unscanned() {
      internal ??= own();
      const found: { key: string; bytes: Uint8Array }[] = [];
      const { Contents = [] } = await internal.send(new ListObjectsV2Command({ Bucket: LOCAL_BUCKET }));
      for (const { Key } of Contents) {
        if (!Key || (await scanStatus(internal, Key)) !== undefined) continue;
        // read past the front's scan-tag check, as GuardDuty reads what the bucket policy denies to others
        const chunks: Buffer[] = [];
        for await (const chunk of (await s3rver.store.getObject(LOCAL_BUCKET, Key)).content) chunks.push(chunk);
        found.push({ key: Key, bytes: new Uint8Array(Buffer.concat(chunks)) });
      }
      return found;
    },
    async reset() {
      s3rver.reset();
      await s3rver.configureBuckets();
    },
    async stop() {
      await new Promise((r) => server.close(r));
      server.closeAllConnections();
    },
  };
}

/** Whether a request names a subresource (`?tagging`, `?acl`, a listing): not a read of the object's bytes. */
function hasSubresource(url: URL): boolean {
  return [...url.searchParams.keys()].some((k) => !/^(X-Amz-|response-|versionId$|partNumber$|x-id$)/i.test(k));
}

/** The object's malware scan tag, or undefined (not scanned yet, or no such object). */
async function scanStatus(client: S3Client, key: string): Promise<string | undefined> {
  try {
    const { TagSet = [] } = await client.send(new GetObjectTaggingCommand({ Bucket: LOCAL_BUCKET, Key: key }));
    return TagSet.find((t) => t.Key === SCAN_TAG)?.Value;
  } catch {
    return undefined;
  }
}

/** Adds tags to an object, keeping the ones it has (S3's PutObjectTagging replaces the whole set). */
export async function addTags(client: S3Client, key: string, tags: Record<string, string>): Promise<void> {
  const { TagSet = [] } = await client.send(new GetObjectTaggingCommand({ Bucket: LOCAL_BUCKET, Key: key }));
  const merged = new Map(TagSet.map((t) => [t.Key!, t.Value!]));
  for (const [k, v] of Object.entries(tags)) merged.set(k, v);
  await client.send(
    new PutObjectTaggingCommand({
      Bucket: LOCAL_BUCKET,
      Key: key,
      Tagging: { TagSet: [...merged].map(([Key, Value]) => ({ Key, Value })) },
    }),
  );
}

/** A refusal as S3 words it: status and an XML `Error` with its code. */
function s3Error(res: ServerResponse, status: number, code: string, message: string, extra: Record<string, string | number> = {}): void {
  const more = Object.entries(extra)
    .map(([k, v]) => `<${k}>${escapeXml(String(v))}</${k}>`)
    .join('');
  res.writeHead(status, { 'Content-Type': 'application/xml' });
  res.end(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${escapeXml(message)}</Message>${more}</Error>`);
}

const escapeXml = (s: string) => s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, string | number> = {},
  ) {
    super(message);
  }
}

/** A browser upload by presigned POST: checked as S3 checks it, then stored, then handed to the scanner. */
async function acceptPost(req: IncomingMessage, res: ServerResponse, client: S3Client, onStored: LocalS3Options['onStored']) {
  const body = await readBody(req, MAX_POST_BYTES);
  if (!body) return s3Error(res, 400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size');
  let form: FormData;
  try {
    form = await new Request('http://local/', {
      method: 'POST',
      headers: { 'content-type': req.headers['content-type'] ?? '' },
      body: new Uint8Array(body),
    }).formData();
  } catch {
    return s3Error(res, 400, 'MalformedPOSTRequest', 'The body of your POST request is not well-formed multipart/form-data.');
  }
  try {
    const { key, contentType, file, status } = checkPost(form, new Date());
    const bytes = new Uint8Array(await file.arrayBuffer());
    await client.send(new PutObjectCommand({ Bucket: LOCAL_BUCKET, Key: key, Body: bytes, ContentType: contentType }));
    onStored(key, bytes);
    if (status === '201') {
      res.writeHead(201, { 'Content-Type': 'application/xml' });
      return res.end(
        `<?xml version="1.0" encoding="UTF-8"?>\n<PostResponse><Bucket>${LOCAL_BUCKET}</Bucket><Key>${escapeXml(key)}</Key></PostResponse>`,
      );
    }
    res.writeHead(status === '200' ? 200 : 204);
    res.end();
  } catch (error) {
    if (error instanceof Refusal) return s3Error(res, error.status, error.code, error.message, error.extra);
    throw error;
  }
}

/**
 * The checks S3 makes of a presigned POST (SigV4 POST policy), in its order: a file, the signature of the
 * policy with a known key, the policy's expiry, each condition, and no field the policy does not cover.
 */
export function checkPost(form: FormData, now: Date): { key: string; contentType?: string; file: File; status?: string } {
  const fields = new Map<string, string>();
  let file: File | undefined;
  for (const [name, value] of form) {
    if (name.toLowerCase() === 'file') {
      if (typeof value !== 'string') file = value;
      continue;
    }
    if (typeof value === 'string') fields.set(name.toLowerCase(), value);
  }
  if (!file) throw new Refusal(400, 'InvalidArgument', 'POST requires exactly one file upload per request.');
  const policy = fields.get('policy');
  const signature = fields.get('x-amz-signature');
  const credential = fields.get('x-amz-credential');
  if (!policy || !signature || !credential) throw new Refusal(403, 'AccessDenied', 'Access Denied');
  if (fields.get('x-amz-algorithm') !== 'AWS4-HMAC-SHA256') {
    throw new Refusal(400, 'InvalidArgument', 'Unsupported algorithm: only AWS4-HMAC-SHA256 is accepted.');
  }
  const [accessKey, date, region, service] = credential.split('/');
  if (accessKey !== S3_CREDENTIALS.accessKeyId) {
    throw new Refusal(403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.');
  }
  const signingKey = [date, region, service, 'aws4_request'].reduce<Buffer>(
    (k, part) =>
      createHmac('sha256', k)
        .update(part ?? '')
        .digest(),
    Buffer.from(`AWS4${S3_CREDENTIALS.secretAccessKey}`),
  );
  const expected = Buffer.from(createHmac('sha256', signingKey).update(policy).digest('hex'));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    throw new Refusal(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.');
  }
  let document: { expiration?: unknown; conditions?: unknown };
  try {
    document = JSON.parse(Buffer.from(policy, 'base64').toString('utf8'));
  } catch {
    throw new Refusal(400, 'InvalidPolicyDocument', 'Invalid Policy: Invalid JSON.');
  }
  if (typeof document.expiration !== 'string' || !(Date.parse(document.expiration) > now.getTime())) {
    throw new Refusal(403, 'AccessDenied', 'Invalid according to Policy: Policy expired.');
  }
  if (!Array.isArray(document.conditions)) throw new Refusal(400, 'InvalidPolicyDocument', 'Invalid Policy: no conditions.');
  const values = new Map(fields);
  values.set('bucket', LOCAL_BUCKET);
  const covered = new Set(['policy', 'x-amz-signature', 'file', 'bucket']);
  for (const condition of document.conditions as unknown[]) {
    const failed = () =>
      new Refusal(403, 'AccessDenied', `Invalid according to Policy: Policy Condition failed: ${JSON.stringify(condition)}`);
    if (Array.isArray(condition) && condition[0] === 'content-length-range') {
      const [, min, max] = condition as [string, number, number];
      if (file.size < min)
        throw new Refusal(400, 'EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed size', {
          ProposedSize: file.size,
          MinSizeAllowed: min,
        });
      if (file.size > max)
        throw new Refusal(400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', {
          ProposedSize: file.size,
          MaxSizeAllowed: max,
        });
      continue;
    }
    const [op, name, expected] = Array.isArray(condition)
      ? (condition as [string, string, string])
      : (['eq', `$${Object.keys(condition as object)[0]}`, Object.values(condition as object)[0]] as [string, string, string]);
    const field = String(name).replace(/^\$/, '').toLowerCase();
    covered.add(field);
    const value = values.get(field) ?? '';
    if (op === 'eq' ? value !== expected : op === 'starts-with' ? !value.startsWith(expected) : true) throw failed();
  }
  const extra = [...fields.keys()].filter((f) => !covered.has(f) && !f.startsWith('x-ignore-'));
  if (extra.length) throw new Refusal(403, 'AccessDenied', `Invalid according to Policy: Extra input fields: ${extra.join(', ')}`);
  const key = fields.get('key');
  if (!key) throw new Refusal(400, 'InvalidArgument', "Bucket POST must contain a field named 'key'.");
  return { key, contentType: fields.get('content-type'), file, status: fields.get('success_action_status') };
}
