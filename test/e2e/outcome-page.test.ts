import { describe, it, expect } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.js';
import type { Browser, BrowserContext } from 'playwright-core';
import { expectNoSeriousA11yViolations } from '../support/axe.js';
import { useBrowser } from '../support/browser.js';
import { validReferral } from '../fixtures/referral.js';
import { coordinatorEntry, doctorEntry } from '../fixtures/roster.js';
import { call, useTestRuntime, attorneyCall } from '../support/runtime.js';
import { trust } from '../integration/helpers.js';

let rt!: LocalRuntime;
let browser!: Browser;
useTestRuntime((started) => (rt = started));
useBrowser((launched) => (browser = launched));

const ATTORNEY_EMAIL = validReferral().attorney.email;
const COORDINATORS = [
  coordinatorEntry(),
  coordinatorEntry({ id: 'c-max', name: 'Max Rowe', email: 'max@example.org', phone: '+15125550198' }),
];

/** A phone in Spanish, in the program's time zone so the browser's "today" is the program's. */
const phoneContext = () =>
  browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 3,
    isMobile: true,
    hasTouch: true,
    locale: 'es-US',
    timezoneId: 'America/Chicago',
  });

/** The calendar date in America/Chicago of an instant. */
const chicagoDate = (at: Date) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Chicago', year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);

/** Loads a roster with coordinators, submits a routine referral and returns its id and the receipt's outcome link. */
async function referralWithOutcomeLink(): Promise<{ id: string; link: URL; now: Date }> {
  const { json: clock } = await call(rt, 'GET', '/_local/clock');
  const now = new Date(clock.now);
  const roster = await call(rt, 'PUT', '/_local/roster', {
    doctors: [doctorEntry()],
    coordinators: COORDINATORS,
    shifts: [
      {
        doctorId: 'd-ana',
        role: 'primary',
        start: new Date(now.getTime() - 3600_000).toISOString(),
        end: new Date(now.getTime() + 86_400_000).toISOString(),
      },
    ],
  });
  expect(roster.status, JSON.stringify(roster.json)).toBe(200);
  // the outcome link is only ever mailed to a trusted submitter
  await trust(rt, { domain: ATTORNEY_EMAIL.split('@')[1]! });

  const referral = await attorneyCall(rt, 'POST', '/api/referrals', validReferral(), { 'idempotency-key': crypto.randomUUID() });
  expect(referral.status, JSON.stringify(referral.json)).toBe(201);
  const id = referral.json.referralId as string;
  expect((await call(rt, 'POST', '/_local/settle')).status).toBe(200);

  const { json: outbox } = await call(rt, 'GET', '/_local/outbox');
  const receipts = (outbox.email as { to: string[]; text: string }[]).filter(
    (m) => m.to.includes(ATTORNEY_EMAIL) && m.text.includes(`/outcome/${id}#token=`),
  );
  expect(receipts).toHaveLength(1);
  const link = receipts[0].text.match(new RegExp(`https?://\\S+/outcome/${id}#token=[A-Za-z0-9_-]+`))?.[0];
  expect(link, `no outcome link in: ${receipts[0].text}`).toBeDefined();
  return { id, link: new URL(link!), now };
}

async function staffDetail(id: string) {
  const { json: body } = await call(rt, 'GET', '/_local/token?group=coordinators');
  const detail = await call(rt, 'GET', `/api/staff/referrals/${id}`, undefined, { authorization: `Bearer ${body.token}` });
  expect(detail.status).toBe(200);
  return detail.json;
}

async function reminderSchedules(id: string): Promise<string[]> {
  const { json: body } = await call(rt, 'GET', '/_local/schedules');
  return (body.items as { name: string }[])
    .map((i) => i.name)
    .filter((n) => n.startsWith('rem-') && n.endsWith(id))
    .sort();
}

describe('attorney outcome page', () => {
  it('on a phone in Spanish: hides the token, shows a bad phone beside its field, then records the release', async () => {
    const { id, link, now } = await referralWithOutcomeLink();
    expect(link.origin).toBe(rt.url);
    expect(link.pathname).toBe(`/outcome/${id}`);

    const context: BrowserContext = await phoneContext();
    const page = await context.newPage();
    const posts: { url: string; body: any }[] = [];
    page.on('request', (req) => {
      if (req.method() === 'POST' && new URL(req.url()).pathname.startsWith('/api/'))
        posts.push({ url: new URL(req.url()).pathname, body: req.postDataJSON() });
    });

    await page.goto(`${rt.url}${link.pathname}?lang=es${link.hash}`);
    expect(await page.getAttribute('html', 'lang')).toBe('es');
    await expect.poll(() => page.locator('h1').textContent()).toBe('Informar el resultado del caso');
    expect(await page.locator('#referral-id').textContent()).toBe(id);

    // The token is gone from the address bar, the language stays.
    await expect.poll(() => page.evaluate(() => location.hash)).toBe('');
    expect(page.url()).not.toContain('token=');
    expect(page.url()).not.toContain(link.hash.slice(1));
    expect(new URL(page.url()).searchParams.get('lang')).toBe('es');

    await expectNoSeriousA11yViolations(page, 'the outcome page in Spanish on a phone');

    // Nothing overflows the phone's width.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

    const releaseSection = page.locator('#release');
    expect(await releaseSection.isVisible()).toBe(false);
    await page.getByLabel('Liberado con parole').check();
    await releaseSection.waitFor({ state: 'visible' });

    const releasedOn = chicagoDate(now);
    await page.getByLabel('Fecha de liberación').fill(releasedOn);
    await page.getByLabel('Estado al que va el cliente').selectOption('TX');
    await page.getByLabel('Ciudad (opcional)').fill('Austin');
    const phone = page.getByLabel('Teléfono del cliente (opcional)');
    await phone.fill('+44 909 879 0879'); // a premium-rate number abroad: no SMS reminder may go there
    const language = page.getByRole('combobox', { name: 'Idioma del cliente para los recordatorios' });
    await language.pressSequentially('espan');
    await language.press('ArrowDown');
    await language.press('Enter');
    expect(await language.inputValue()).toBe('Español');
    const consent = page.getByLabel('El cliente acepta recibir recordatorios por SMS');
    expect(await consent.isChecked()).toBe(false);

    const send = page.getByRole('button', { name: 'Enviar resultado' });
    await send.click();

    const inline = page.locator('#release-patientPhone-error');
    await expect.poll(() => phone.getAttribute('aria-invalid')).toBe('true');
    expect(await inline.isVisible()).toBe(true);
    expect(await inline.textContent()).toContain('Debe ser un número móvil de EE. UU. que pueda recibir SMS');
    expect(await phone.getAttribute('aria-describedby')).toContain('release-patientPhone-error');
    const summary = page.locator('#summary');
    expect(await summary.isVisible()).toBe(true);
    expect(await summary.textContent()).toContain('Hay un problema');
    await expectNoSeriousA11yViolations(page, 'the outcome page showing an error');
    // only the phone is wrong
    expect(await page.locator('[aria-invalid="true"]').count()).toBe(1);
    expect(await page.locator('#done').isVisible()).toBe(false);

    // Nothing was sent, nothing was recorded, no reminder planned.
    expect(posts).toHaveLength(0);
    expect((await staffDetail(id)).status).not.toBe('released');
    expect(await reminderSchedules(id)).toEqual([]);

    await phone.fill('(512) 555-0150');
    await consent.check();
    await send.click();

    const done = page.locator('#done');
    await done.waitFor({ state: 'visible', timeout: 15_000 });
    expect(await page.locator('#done-title').textContent()).toBe('Gracias, el resultado quedó registrado');
    expect(await page.locator('#done-text').textContent()).toContain('los recordatorios de seguimiento están programados');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('done');
    expect(await summary.isVisible()).toBe(false);
    expect(await page.locator('#outcome-form').isVisible()).toBe(false);
    await expectNoSeriousA11yViolations(page, 'the outcome page after sending');

    expect(posts).toHaveLength(1);
    expect(posts[0].url).toBe(`/api/referrals/${id}/outcome`);
    expect(posts[0].body).toEqual({
      token: link.hash.replace('#token=', ''),
      outcome: 'parole_granted',
      release: { releasedOn, state: 'TX', city: 'Austin', patientPhone: '(512) 555-0150', patientLanguage: 'es', smsConsent: true },
    });
    await context.close();

    // The case is released, by the attorney, with the full reminder plan.
    const detail = await staffDetail(id);
    expect(detail.status).toBe('released');
    const released = (detail.timeline as { event: string; actor?: string }[]).filter((e) => e.event === 'released');
    expect(released).toHaveLength(1);
    expect(released[0].actor).toBe('attorney');
    expect(detail.release).toMatchObject({
      releasedOn,
      state: 'TX',
      patientLanguage: 'es',
      smsConsent: true,
      patientPhone: '+15125550150',
    });
    expect(await reminderSchedules(id)).toEqual(
      ['day1_coordinator', 'day3_patient', 'day7_coordinator', 'day30_coordinator'].map((s) => `rem-${s}-${id}`).sort(),
    );
  }, 60_000);

  it('with a wrong token: says the link is not valid after sending, and records nothing', async () => {
    const { id, link } = await referralWithOutcomeLink();
    const context = await phoneContext();
    const page = await context.newPage();
    const answers: number[] = [];
    page.on('response', (res) => {
      if (new URL(res.url()).pathname === `/api/referrals/${id}/outcome`) answers.push(res.status());
    });

    await page.goto(`${rt.url}${link.pathname}#token=${'A'.repeat(43)}`);
    await expect.poll(() => page.evaluate(() => location.hash)).toBe('');
    await page.getByLabel('Parole denied').check();
    await page.getByRole('button', { name: 'Send outcome' }).click();

    await expect.poll(() => page.locator('#done').textContent()).toContain('This link is not valid');
    expect(answers).toEqual([403]);
    expect(await page.locator('#outcome-form').isVisible()).toBe(false);
    await context.close();

    const detail = await staffDetail(id);
    expect(detail.status).toBe('awaiting_review');
    expect((detail.timeline as { event: string }[]).map((e) => e.event)).not.toContain('outcome_reported');
  }, 60_000);
});
