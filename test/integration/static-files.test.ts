import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalServer } from '../../local/server.js';

/** The local server's static files over real HTTP, from a web root with a sibling folder whose name starts the same. */

const dir = mkdtempSync(join(tmpdir(), 'medreview-static-'));
const root = join(dir, 'dist');
const server = createLocalServer([], root);
let port = 0;

beforeAll(async () => {
  mkdirSync(join(root, 'assets'), { recursive: true });
  mkdirSync(join(dir, 'dist-private'));
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>form</title>');
  writeFileSync(join(root, 'assets', 'app.js'), 'console.log("app")');
  writeFileSync(join(dir, 'dist-private', 'secret.txt'), 'secret-marker');
  writeFileSync(join(dir, 'secret.txt'), 'secret-marker');
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((done) => server.close(done));
  rmSync(dir, { recursive: true, force: true });
});

/** A GET with the path sent exactly as written (fetch would normalize dot segments). */
function get(path: string): Promise<{ status: number; body: string }> {
  return new Promise((done, fail) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => done({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', fail);
    req.end();
  });
}

describe('the local static server', () => {
  it('serves the pages and files under its root', async () => {
    expect(await get('/')).toMatchObject({ status: 200, body: expect.stringContaining('form') });
    expect(await get('/assets/app.js')).toMatchObject({ status: 200, body: 'console.log("app")' });
    expect(await get('/assets/%61pp.js')).toMatchObject({ status: 200 });
  });

  it.each([
    '/..%2Fdist-private%2Fsecret.txt',
    '/..%2fdist-private/secret.txt',
    '/assets/..%2F..%2Fdist-private%2Fsecret.txt',
    '/../secret.txt',
    '/..%2Fsecret.txt',
    '/%2E%2E%2Fsecret.txt',
    '/..%5Csecret.txt',
  ])('serves nothing outside its root for %s', async (path) => {
    const answer = await get(path);
    expect(answer.status).toBe(404);
    expect(answer.body).not.toContain('secret-marker');
  });

  it('answers 404, not 500, for a malformed escape or a NUL byte', async () => {
    expect((await get('/%E0%A4%A')).status).toBe(404);
    expect((await get('/index.html%00.js')).status).toBe(404);
  });
});
