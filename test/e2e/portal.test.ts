import { beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { LocalRuntime } from '../../local/runtime.js';
import { validReferral } from '../fixtures/referral.js';
import { seriousA11yProblems } from '../support/axe.js';
import { useBrowser } from '../support/browser.js';
import { call, FIXTURE_ATTORNEY, useTestRuntime } from '../support/runtime.js';
import { latestCode } from '../support/sign-in.js';
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
  submitUrgent,
} from '../integration/helpers.js';

let rt!: LocalRuntime;
let browser!: Browser;
useTestRuntime((started) => (rt = started));
useBrowser((launched) => (browser = launched));

const DOCTOR = numberedDoctor(1, { name: 'Dr. Ana Ruiz', email: 'ana.ruiz@example.org' });
const PHONE = { width: 390, height: 844 };
const WORDS = {
  en: { start: 'Sign in with your email', email: 'Email', send: 'Email me a code', code: 'Code', signIn: 'Sign in' },
  es: {
    start: 'Iniciar sesión con su correo',
    email: 'Correo electrónico',
    send: 'Enviarme un código',
    code: 'Código',
    signIn: 'Iniciar sesión',
  },
};

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
  const w = WORDS[lang];
  // an address gets at most one code a minute: each sign-in here is a minute after the last
  await advance(rt, 1.1);
  await page.getByRole('button', { name: w.start }).click();
  await page.waitForURL(/\/oidc\/interaction\//);
  await page.getByLabel(w.email).fill(email);
  await page.getByRole('button', { name: w.send }).click();
  const code = page.getByLabel(w.code, { exact: true });
  await code.waitFor();
  await code.fill(await latestCode(rt, email.toLowerCase()));
  await page.getByRole('button', { name: w.signIn, exact: true }).click();
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
