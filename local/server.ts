import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';

export type ApiHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;
export type Hook = (request: { body: unknown; query: URLSearchParams }) => Promise<{ status?: number; body: unknown }>;

export interface Route {
  method: string;
  /** `/api/offers/{offerId}/accept` — `{name}` matches one path segment. */
  resource: string;
  api?: ApiHandler;
  hook?: Hook;
  /** Staff routes: the local authorizer must accept the bearer token. */
  authorize?: (authorization: string | undefined) => Promise<Record<string, string> | undefined>;
}

const PAGES: [RegExp, string][] = [
  [/^\/$/, 'index.html'],
  [/^\/offers\/[^/]+$/, 'offer.html'],
  [/^\/outcome\/[^/]+$/, 'outcome.html'],
  // the attorney's and the doctor's pages: a case is in the fragment, so each is one file
  [/^\/referrals\/?$/, 'referrals/index.html'],
  [/^\/cases\/?$/, 'cases/index.html'],
  // the console's own routes are in the fragment; any other /console/ path (the sign-in callback) is its page
  [/^\/console(\/[^.]*)?$/, 'console/index.html'],
];
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
};
const PAGE_HEADERS = {
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy': "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-store',
};
const MAX_BODY = 10 * 1024 * 1024; // API Gateway's own limit
const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

/** Maps HTTP requests to API Gateway REST (v1) proxy events for the Lambda handlers, runs hooks, serves web/dist. */
export function createLocalServer(
  routes: Route[],
  webRoot: string,
  generated: Record<string, () => unknown> = {},
  options: { connectSrc?: string[] } = {},
): Server {
  // the pages may also connect to these origins (the documents' bucket: uploads by presigned POST)
  const pageHeaders = options.connectSrc?.length
    ? {
        ...PAGE_HEADERS,
        'Content-Security-Policy': PAGE_HEADERS['Content-Security-Policy'].replace(
          "default-src 'self';",
          `default-src 'self'; connect-src 'self' ${options.connectSrc.join(' ')};`,
        ),
      }
    : PAGE_HEADERS;
  const compiled = routes.map((route) => ({
    route,
    pattern: new RegExp(`^${route.resource.replace(/\{(\w+)\}/g, '(?<$1>[^/]+)')}$`),
  }));
  return createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const body = await readBody(req);
      if (body === undefined) return send(res, 413, { 'Content-Type': 'application/json' }, '{"message":"Request Entity Too Large"}');
      if (url.pathname.startsWith('/_local/')) {
        const refused = hookGuard(req, body);
        if (refused) return send(res, refused.status, { 'Content-Type': 'application/problem+json' }, JSON.stringify(refused));
      }
      const match = compiled.find((c) => c.route.method === req.method && c.pattern.test(url.pathname));
      if (!match && /^\/(api|_local)\//.test(url.pathname)) {
        // as API Gateway (whose own errors are problem+json too): no such route
        return send(
          res,
          404,
          { 'Content-Type': 'application/problem+json' },
          JSON.stringify({ type: 'about:blank', title: 'Not Found', status: 404, detail: 'no such route' }),
        );
      }
      if (!match && generated[url.pathname] && req.method === 'GET') {
        return send(res, 200, { 'Content-Type': 'application/json', ...pageHeaders }, JSON.stringify(generated[url.pathname]()));
      }
      if (!match) return await serveStatic(req, res, url.pathname, webRoot, pageHeaders);
      const { route } = match;
      if (route.hook) {
        let parsed: unknown;
        try {
          parsed = body.length ? JSON.parse(body.toString('utf8')) : undefined;
        } catch {
          return send(
            res,
            400,
            { 'Content-Type': 'application/problem+json' },
            JSON.stringify({ type: 'about:blank', title: 'Bad Request', status: 400, detail: 'the body is not valid JSON' }),
          );
        }
        const out = await route.hook({ body: parsed, query: url.searchParams });
        const status = out.status ?? 200;
        return send(
          res,
          status,
          { 'Content-Type': status >= 400 ? 'application/problem+json' : 'application/json' },
          JSON.stringify(out.body),
        );
      }
      let claims: Record<string, string> | undefined;
      if (route.authorize) {
        claims = await route.authorize(req.headers.authorization);
        if (!claims) {
          return send(
            res,
            401,
            { 'Content-Type': 'application/problem+json' },
            JSON.stringify({ type: 'about:blank', title: 'Unauthorized', status: 401, detail: 'a valid bearer token is required' }),
          );
        }
      }
      const pathParameters = match.pattern.exec(url.pathname)?.groups ?? null;
      const event = toApiEvent(req, url, route.resource, body, pathParameters, claims);
      const result = await route.api!(event, lambdaContext(route.resource));
      send(res, result.statusCode, result.headers ?? {}, result.body);
    } catch (error) {
      send(
        res,
        500,
        { 'Content-Type': 'application/problem+json' },
        JSON.stringify({
          type: 'about:blank',
          title: 'Internal Server Error',
          status: 500,
          detail: `local runtime error: ${(error as Error).name}`,
        }),
      );
    }
  });
}

/**
 * Local hooks obey only this machine's own tools: a `Host` other than `127.0.0.1:<port>` or `localhost:<port>`
 * (DNS rebinding) or an `Origin` other than the server's own (a web page in the developer's browser) is 403;
 * a body that is not JSON is 415 (a form or `text/plain` post needs no CORS preflight). No body at all is fine.
 */
function hookGuard(req: IncomingMessage, body: Buffer): { type: string; title: string; status: number; detail: string } | undefined {
  const port = req.socket.localPort;
  const own = [`127.0.0.1:${port}`, `localhost:${port}`];
  const host = req.headers.host?.toLowerCase();
  const origin = req.headers.origin;
  if (!host || !own.includes(host) || (origin !== undefined && !own.some((o) => origin.toLowerCase() === `http://${o}`))) {
    return { type: 'about:blank', title: 'Forbidden', status: 403, detail: "local hooks answer only this machine's own origin" };
  }
  const type = req.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  if (body.length > 0 && type !== 'application/json') {
    return { type: 'about:blank', title: 'Unsupported Media Type', status: 415, detail: 'local hooks take application/json bodies only' };
  }
  return undefined;
}

function toApiEvent(
  req: IncomingMessage,
  url: URL,
  resource: string,
  body: Buffer,
  pathParameters: Record<string, string> | null,
  claims?: Record<string, string>,
): APIGatewayProxyEvent {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const [name, value] = [req.rawHeaders[i], req.rawHeaders[i + 1]];
    headers[name] = value;
    (multiValueHeaders[name] ??= []).push(value);
  }
  const query = url.searchParams.size ? Object.fromEntries(url.searchParams) : null;
  const multiQuery: Record<string, string[]> = {};
  for (const [k, v] of url.searchParams) (multiQuery[k] ??= []).push(v);
  const decoded = pathParameters ? Object.fromEntries(Object.entries(pathParameters).map(([k, v]) => [k, decodeURIComponent(v)])) : null;
  return {
    resource,
    path: url.pathname,
    httpMethod: req.method ?? 'GET',
    headers,
    multiValueHeaders,
    queryStringParameters: query,
    multiValueQueryStringParameters: query ? multiQuery : null,
    pathParameters: decoded,
    stageVariables: null,
    body: body.length ? body.toString('utf8') : null,
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      authorizer: claims ? { claims } : null,
      httpMethod: req.method ?? 'GET',
      path: url.pathname,
      protocol: 'HTTP/1.1',
      requestId: randomUUID(),
      requestTimeEpoch: Date.now(),
      resourceId: 'local',
      resourcePath: resource,
      stage: 'local',
      identity: { sourceIp: req.socket.remoteAddress ?? '127.0.0.1', userAgent: req.headers['user-agent'] ?? null } as never,
    },
  };
}

function lambdaContext(resource: string): Context {
  const deadline = Date.now() + 29_000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: `medreview-local${resource.replace(/[^a-zA-Z0-9]+/g, '-')}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:medreview-local',
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: 'local',
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** A request's body, or undefined past `max` bytes. */
export async function readBody(req: IncomingMessage, max = MAX_BODY): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > max) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

async function serveStatic(
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
  root: string,
  pageHeaders: Record<string, string>,
): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD')
    return send(res, 404, { 'Content-Type': 'application/json' }, '{"message":"Not Found"}');
  const page = PAGES.find(([re]) => re.test(pathname))?.[1];
  const file = fileUnder(root, page ?? pathname);
  if (!file) return send(res, 404, { 'Content-Type': 'text/plain' }, 'Not Found');
  let content: Buffer;
  try {
    content = await readFile(file);
  } catch {
    return send(res, 404, { 'Content-Type': 'text/plain' }, 'Not Found');
  }
  const type = TYPES[extname(file)] ?? 'application/octet-stream';
  const { body, headers } = await encoded(req, file, type, content);
  send(res, 200, { 'Content-Type': type, ...pageHeaders, ...headers }, body);
}

/** Text types worth compressing (images and icons here are small or compressed already). */
const COMPRESSIBLE = /^(text\/|application\/json|image\/svg\+xml)/;
/** Compressed files by path, kept while the file is unchanged (a rebuild writes new content). */
const compressedCache = new Map<string, { content: Buffer; br?: Buffer; gzip?: Buffer }>();

/**
 * A static file as the client asked for it (`Accept-Encoding`), like CloudFront: brotli, else gzip, else
 * as it is; `Vary: Accept-Encoding` either way for the text types.
 */
async function encoded(
  req: IncomingMessage,
  file: string,
  type: string,
  content: Buffer,
): Promise<{ body: Buffer; headers: Record<string, string> }> {
  if (!COMPRESSIBLE.test(type)) return { body: content, headers: {} };
  const accepted = new Map(
    String(req.headers['accept-encoding'] ?? '')
      .split(',')
      .map((part) => {
        const [name, ...params] = part.trim().toLowerCase().split(';');
        const q = params.map((x) => /^\s*q=([\d.]+)\s*$/.exec(x)?.[1]).find(Boolean);
        return [name, q === undefined ? 1 : Number(q)] as const;
      }),
  );
  const encoding = (['br', 'gzip'] as const).find((e) => (accepted.get(e) ?? accepted.get('*') ?? 0) > 0);
  if (!encoding) return { body: content, headers: { Vary: 'Accept-Encoding' } };
  let cached = compressedCache.get(file);
  if (!cached?.content.equals(content)) compressedCache.set(file, (cached = { content }));
  cached[encoding] ??=
    encoding === 'br'
      ? await brotli(content, {
          params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 9, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: content.length },
        })
      : await gzip(content, { level: 9 });
  return { body: cached[encoding], headers: { 'Content-Encoding': encoding, Vary: 'Accept-Encoding' } };
}

/**
 * The file a URL path names under `root`, or undefined when it names none there: the path is decoded and
 * resolved, and must lie under the root folder itself (`/..%2Fdist-private/x` resolves to a sibling
 * folder whose name merely starts with the root's, so a prefix check alone would serve it).
 */
export function fileUnder(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined; // a malformed escape names no file
  }
  if (decoded.includes('\0')) return undefined;
  const base = resolve(root);
  const file = resolve(base, `.${sep}${decoded}`);
  return file.startsWith(base + sep) ? file : undefined;
}

function send(res: ServerResponse, status: number, headers: Record<string, string | number | boolean>, body: string | Buffer): void {
  res.writeHead(status, headers as Record<string, string>);
  res.end(body);
}
