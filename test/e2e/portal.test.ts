import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { LocalRuntime } from '../../local/runtime.js';
import { validReferral } from '../fixtures/referral.js';
import { seriousA11yProblems } from '../support/axe.js';
import { useBrowser } from '../support/browser.js';
import { call, FIXTURE_ATTORNEY, useTestRuntime } from '../support/runtime.js';
import { signInWithEmailedCode } from '../support/sign-in.js';
import {
  advance,
  clockNow,
  COORDINATORS,
  linkFor,
  numberedDoctor,
  offerSms,
  outbox,
  resetWith,
  shiftAround,
  staffCall,
  submitUrgent,
} from '../integration/helpers.js';

let rt!: LocalRuntime;
let browser!: Browser;
useTestRuntime((started) => (rt = started));
useBrowser((launched) => (browser = launched));

const DOCTOR = numberedDoctor(1, { name: 'Dr. Ana Ruiz', email: 'ana.ruiz@example.org' });
const PHONE = { width: 390, height: 844 };

/** A phone-sized browser that records CSP violations and page errors, and the axe findings of each view it is asked to check. */
async function phone(): Promise<{ context: BrowserContext; page: Page; problems: string[]; axe: (view: string) => Promise<void> }> {
  const context = await browser.newContext({ viewport: PHONE, timezoneId: 'America/Chicago', locale: 'en-US' });
  await context.addInitScript(() =>
    document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`)),
  );
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.text().startsWith('CSP violation')) problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  const axe = async (view: string) => {
    problems.push(...(await seriousA11yProblems(page)).map((p) => `${view}: ${p}`));
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    if (width > PHONE.width) problems.push(`${view}: ${width} px wide on a ${PHONE.width} px phone`);
  };
  return { context, page, problems, axe };
}

/** Signs in from the page's sign-in step through the local provider, with the code mailed to the local outbox. */
async function signIn(page: Page, email: string, lang: 'en' | 'es' = 'en'): Promise<void> {
  // an address gets at most one code a minute: each sign-in here is a minute after the last
  await advance(rt, 1.1);
  await signInWithEmailedCode(rt, page, email, lang);
  await page.getByText(lang === 'es' ? `Sesión iniciada como ${email}` : `Signed in as ${email}`).waitFor();
}

let accepted = '';
let waiting = '';

beforeAll(async () => {
  const now = await clockNow(rt);
  await resetWith(rt, { doctors: [DOCTOR], coordinators: COORDINATORS, shifts: [shiftAround(now, DOCTOR.id)] });
  waiting = await submitUrgent(rt, { request: { services: ['record_review'] } });
  accepted = await submitUrgent(rt);
  // the doctor accepts on the offer page, which then links to the case on the doctor's page
  const { url, offerId, token } = linkFor(offerSms(await outbox(rt), DOCTOR.phone, accepted).body);
  expect(url).toBe(rt.url);
  const { context, page } = await phone();
  await page.goto(`${rt.url}/offers/${offerId}#token=${token}`);
  await page.getByRole('button', { name: /^Accept/ }).click();
  const link = page.getByRole('link', { name: /Open the case on your page/ });
  await link.waitFor();
  expect(await link.getAttribute('href')).toBe(`/cases/#${accepted}`);
  await context.close();
});

describe("the attorney's page", () => {
  it('opens at the referral of the receipt after sign-in, lists the referrals, and works by keyboard on a phone', async () => {
    const receipt = (await outbox(rt)).email.find((m) => m.to.includes(FIXTURE_ATTORNEY) && m.subject === `Referral ${accepted} received`);
    const pageLink = /(http:\/\/[^\s]+\/referrals\/#MR-[0-9A-Z]{8})/.exec(receipt?.text ?? '')?.[1];
    expect(pageLink).toBe(`${rt.url}/referrals/#${accepted}`);
    expect(receipt?.text).toContain(`/outcome/${accepted}#token=`);

    const { context, page, problems, axe } = await phone();
    await page.goto(pageLink!);
    await page.getByRole('button', { name: 'Sign in with your email' }).waitFor();
    await axe('signed out');
    await signIn(page, FIXTURE_ATTORNEY);
    // back at the referral the link named, with the doctor who accepted
    await page.getByRole('heading', { level: 1, name: `Referral ${accepted}` }).waitFor();
    expect(new URL(page.url()).hash).toBe(`#${accepted}`);
    const doctor = page.getByRole('region', { name: 'Your doctor' });
    await expect.poll(() => doctor.textContent()).toContain(DOCTOR.name);
    expect(await doctor.textContent()).toContain(DOCTOR.phone);
    expect(await page.getByRole('region', { name: 'What you sent' }).textContent()).toContain(validReferral().client.givenName);
    expect(await page.getByRole('region', { name: 'What happened so far' }).textContent()).toMatch(/Referral received.*A doctor accepted/s);
    await axe('a referral');

    // keyboard only: back to the list, then the other referral
    await page.getByRole('link', { name: /All referrals/ }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Your referrals' }).waitFor();
    const items = page.locator('.cases .case .reference');
    await expect.poll(() => items.allTextContents()).toEqual([accepted, waiting]);
    await axe('the list');
    await page.keyboard.press('Tab');
    for (let i = 0; i < 10 && (await page.evaluate(() => document.activeElement?.textContent)) !== waiting; i++)
      await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: `Referral ${waiting}` }).waitFor();
    await expect.poll(() => page.getByRole('region', { name: 'Your doctor' }).textContent()).toContain('No doctor has accepted yet');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('shows the not-found view to another attorney, in Spanish', async () => {
    const { context, page, problems, axe } = await phone();
    await page.goto(`${rt.url}/referrals/?lang=es#${accepted}`);
    await signIn(page, 'otra.abogada@otrodespacho.example', 'es');
    await page.getByRole('heading', { level: 1, name: 'No se encontró' }).waitFor();
    expect(await page.textContent('main')).not.toContain(validReferral().client.givenName);
    await axe('not found, Spanish');
    await page.getByRole('link', { name: /Todas las remisiones/ }).click();
    await page.getByRole('heading', { level: 1, name: 'Sus remisiones' }).waitFor();
    await page.getByText('Todavía no hay remisiones.').waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('es');
    await axe('empty list, Spanish');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('reads in Spanish for the attorney, and the outcome page links to the referral', async () => {
    const { context, page, problems, axe } = await phone();
    await page.goto(`${rt.url}/referrals/#${accepted}`);
    await signIn(page, FIXTURE_ATTORNEY);
    await page.getByRole('heading', { level: 1, name: `Referral ${accepted}` }).waitFor();
    await page.getByRole('button', { name: 'Español' }).click();
    await page.getByRole('heading', { level: 1, name: `Remisión ${accepted}` }).waitFor();
    await page.getByRole('region', { name: 'Su médico/a' }).waitFor();
    await page.getByRole('region', { name: 'Lo que envió' }).waitFor();
    expect(new URL(page.url()).search).toBe('?lang=es');
    await axe('a referral, Spanish');

    await page.goto(`${rt.url}/outcome/${accepted}?lang=es#token=not-needed-to-see-the-link`);
    const link = page.getByRole('link', { name: 'Vea esta remisión, su médico y sus documentos en su página' });
    await link.waitFor();
    expect(await link.getAttribute('href')).toBe(`/referrals/?lang=es#${accepted}`);
    expect(problems).toEqual([]);
    await context.close();
  });
});

describe("the doctor's page", () => {
  it('lists the accepted case and opens it with the patient details and the attorney to contact', async () => {
    const { context, page, problems, axe } = await phone();
    await page.goto(`${rt.url}/cases/`);
    await axe('signed out');
    await signIn(page, DOCTOR.email);
    await page.getByRole('heading', { level: 1, name: 'Your cases' }).waitFor();
    await expect.poll(() => page.locator('.cases .case .reference').allTextContents()).toEqual([accepted]);
    await axe('the list');
    await page.getByRole('link', { name: accepted }).click();
    await page.getByRole('heading', { level: 1, name: `Referral ${accepted}` }).waitFor();
    const submitted = validReferral();
    const referral = page.getByRole('region', { name: 'Referral' });
    await expect.poll(() => referral.textContent()).toContain(submitted.medical.concern);
    expect(await referral.textContent()).toContain(submitted.custody.facilityName);
    expect(await page.getByRole('region', { name: 'Attorney' }).textContent()).toContain(FIXTURE_ATTORNEY);
    // a doctor has no outcome form
    expect(await page.getByRole('region', { name: 'Report the outcome' }).count()).toBe(0);
    await axe('a case');

    await page.goto(`${rt.url}/cases/#${waiting}`);
    await page.getByRole('heading', { level: 1, name: 'Not found' }).waitFor();
    expect(problems).toEqual([]);
    await context.close();
  });

  it('is a page of its own: /referrals/ and /cases/ are served as HTML under the site CSP', async () => {
    for (const path of ['/referrals/', '/cases/']) {
      const res = await call(rt, 'GET', path);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    }
  });
});

/** A small valid-looking PDF of `bytes` bytes: the header its magic-byte check reads, then padding. */
function pdf(bytes: number): Buffer {
  const head = Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n', 'latin1');
  return Buffer.concat([head, Buffer.alloc(bytes - head.length - 6, 0x20), Buffer.from('\n%%EOF')]);
}
/** The anti-virus test file, which every scanner (the local one too) reports as malware. */
const EICAR = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$' + 'EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';

describe('documents between the attorney and the doctor', () => {
  const records = pdf(2 * 1024 * 1024);

  it('the attorney uploads a PDF with progress; after the scan it is ready; each refusal is said plainly', async () => {
    const { context, page, problems, axe } = await phone();
    await page.goto(`${rt.url}/referrals/#${accepted}`);
    await signIn(page, FIXTURE_ATTORNEY);
    const documents = page.getByRole('region', { name: 'Documents' });
    await documents.getByText('No documents yet.').waitFor();

    // refused in the page before anything is sent: a type the program does not take
    await page.getByLabel('File').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
    await page.getByRole('button', { name: 'Upload' }).click();
    await documents.getByRole('alert').getByText('This kind of file cannot be added').waitFor();
    await axe('documents, a refusal');

    // a slow line, so the upload reports its progress more than once
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 20,
      downloadThroughput: -1,
      uploadThroughput: 1024 * 1024,
    });
    await page.evaluate(() => {
      const seen: number[] = [];
      (window as unknown as { progress: number[] }).progress = seen;
      new MutationObserver(() => {
        const bar = document.querySelector<HTMLProgressElement>('#upload-progress');
        if (bar && seen.at(-1) !== bar.value) seen.push(bar.value);
      }).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
    });
    await page.getByLabel('Kind of document').selectOption('medical_record');
    await page.getByLabel('File').setInputFiles({ name: 'María López records.pdf', mimeType: 'application/pdf', buffer: records });
    await page.getByLabel('File').focus();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByRole('progressbar', { name: 'Upload progress' }).waitFor();
    await axe('documents, uploading');
    await documents.getByText('Uploaded. It is being checked for malware').waitFor({ timeout: 30_000 });
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    const progress = await page.evaluate(() => (window as unknown as { progress: number[] }).progress);
    expect(
      progress.some((p) => p > 0 && p < 100),
      `progress seen: ${progress.join(', ')}`,
    ).toBe(true);
    expect(progress.at(-1)).toBe(100);

    const item = documents.locator('.document', { hasText: 'María López records.pdf' });
    await expect.poll(() => item.textContent(), { timeout: 30_000 }).toContain('Status: ready');
    expect(await item.getByRole('button', { name: /Download/ }).count()).toBe(1);
    await axe('documents, ready');

    // a file the scanner rejects: deleted, said once in an alert, never downloadable
    await page
      .getByLabel('File')
      .setInputFiles({ name: 'scan.pdf', mimeType: 'application/pdf', buffer: Buffer.from(`%PDF-1.4\n${EICAR}\n`) });
    await page.getByRole('button', { name: 'Upload' }).click();
    await documents.getByRole('alert').getByText('rejected by the malware check').waitFor({ timeout: 30_000 });
    const rejected = documents.locator('.document', { hasText: 'scan.pdf' });
    expect(await rejected.textContent()).toContain('rejected and deleted');
    expect(await rejected.getByRole('button').count()).toBe(0);
    await axe('documents, a rejection');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('the accepting doctor downloads the PDF from the case page; the download is on the timeline', async () => {
    const { context, page, problems } = await phone();
    await page.goto(`${rt.url}/cases/#${accepted}`);
    await signIn(page, DOCTOR.email);
    await page.getByRole('heading', { level: 1, name: `Referral ${accepted}` }).waitFor();
    await expect.poll(() => page.getByRole('region', { name: 'Referral' }).textContent()).toContain(validReferral().client.familyName);
    const item = page.locator('.document', { hasText: 'María López records.pdf' });
    await item.waitFor();
    // the doctor uploads declarations, not records
    expect(await page.getByLabel('Kind of document').locator('option').allTextContents()).toEqual(['Declaration', 'Evaluation']);
    const [download] = await Promise.all([page.waitForEvent('download'), item.getByRole('button', { name: /Download/ }).click()]);
    const stream = await download.createReadStream();
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).equals(records)).toBe(true);
    // the file is saved under an opaque name, never the uploader's
    expect(download.suggestedFilename()).not.toContain('López');
    const timeline = (await staffCall(rt, 'GET', `/api/staff/referrals/${accepted}`)).json.timeline as { event: string; actor?: string }[];
    expect(timeline).toContainEqual(expect.objectContaining({ event: 'document_downloaded', actor: `doctor:${DOCTOR.id}` }));

    // and sends the declaration back the same way
    await page.getByLabel('Kind of document').selectOption('declaration');
    await page.getByLabel('File').setInputFiles({ name: 'declaration.pdf', mimeType: 'application/pdf', buffer: pdf(40_000) });
    await page.getByRole('button', { name: 'Upload' }).click();
    const declaration = page.locator('.document', { hasText: 'declaration.pdf' });
    await expect.poll(() => declaration.textContent(), { timeout: 30_000 }).toMatch(/Declaration.*Uploaded by doctor.*Status: ready/s);
    expect(problems).toEqual([]);
    await context.close();
  });

  it("the console's case file shows the documents and downloads one, the download on the timeline", async () => {
    const { context, page, problems, axe } = await phone();
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(rt.console.url);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/oidc\/interaction\//);
    await page.getByLabel('Username').fill(rt.console.coordinator.username);
    await page.getByLabel('Password').fill(rt.console.coordinator.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${rt.url}/console/#/`);
    await page.goto(`${rt.url}/console/#/case/${accepted}`);
    const table = page.locator('#documents');
    await table.waitFor();
    const row = table.locator('tr', { hasText: 'María López records.pdf' });
    expect(await row.textContent()).toMatch(/medical record.*available.*attorney/);
    expect(await table.locator('tr', { hasText: 'scan.pdf' }).textContent()).toContain('rejected');
    await axe('console documents');
    const downloads = () => page.locator('#timeline li[data-event="document_downloaded"]').count();
    const before = await downloads();
    const [download] = await Promise.all([page.waitForEvent('download'), row.getByRole('button', { name: /Download/ }).click()]);
    expect(await download.failure()).toBeNull();
    await expect.poll(downloads).toBe(before + 1);
    expect(problems.filter((p) => !p.includes('px wide'))).toEqual([]);
    await context.close();
  });

  it('says so when a file is too big, and when the referral already holds 20 documents', async () => {
    const { context, page, problems, axe } = await phone();
    await page.goto(`${rt.url}/referrals/#${accepted}`);
    await signIn(page, FIXTURE_ATTORNEY);
    const documents = page.getByRole('region', { name: 'Documents' });
    await expect.poll(() => documents.getByText('Loading…').count()).toBe(0);
    // a big file goes in from disk (a buffer this size is too much for the DevTools protocol)
    const huge = join(mkdtempSync(join(tmpdir(), 'medreview-e2e-')), 'huge.pdf');
    writeFileSync(huge, pdf(25 * 1024 * 1024 + 1));
    await page.getByLabel('File').setInputFiles(huge);
    await page.getByRole('button', { name: 'Upload' }).click();
    await documents.getByRole('alert').getByText('This file is too big: the limit is 25 MB').waitFor();

    // fill the referral up to its limit through the API, then try once more from the page
    const token = (await call(rt, 'GET', `/_local/token?attorney=${encodeURIComponent(FIXTURE_ATTORNEY)}`)).json.token;
    const listed = await call(rt, 'GET', `/api/cases/${accepted}/documents`, undefined, { authorization: `Bearer ${token}` });
    for (let n = listed.json.items.length; n < 20; n++) {
      const made = await call(
        rt,
        'POST',
        `/api/cases/${accepted}/documents`,
        { kind: 'other', fileName: `page-${n}.pdf`, contentType: 'application/pdf', size: 1000 },
        { authorization: `Bearer ${token}` },
      );
      expect(made.status).toBe(201);
    }
    await page.reload();
    await documents.locator('.document').nth(19).waitFor();
    await page.getByLabel('File').setInputFiles({ name: 'one-more.pdf', mimeType: 'application/pdf', buffer: pdf(2000) });
    await page.getByRole('button', { name: 'Upload' }).click();
    await documents.getByRole('alert').getByText('This referral already has 20 documents').waitFor();
    await axe('documents, the limit');
    expect(problems).toEqual([]);
    await context.close();
  });
});
