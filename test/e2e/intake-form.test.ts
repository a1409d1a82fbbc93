import { describe, it, expect } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.js';
import { type Browser, type Page } from 'playwright-core';
import { useBrowser } from '../support/browser.js';
import { freshANumber, validReferral } from '../fixtures/referral.js';
import { call, useTestRuntime } from '../support/runtime.js';

const REFERENCE = /^MR-[0-9A-HJKMNP-TV-Z]{8}$/;

let rt!: LocalRuntime;
let browser!: Browser;
useTestRuntime((started) => (rt = started));
useBrowser((launched) => (browser = launched));

/** Fills every required field (and a few optional ones) in the Spanish form, with `aNumber` as given. */
async function fillSpanishForm(page: Page, aNumber: string): Promise<void> {
  await page.getByLabel('Su nombre completo').fill('Ana Pérez');
  await page.getByLabel('Correo electrónico').fill('ana.perez@example.org');
  await page.getByLabel('Teléfono', { exact: true }).fill('(512) 555-0100');
  await page.getByRole('group', { name: /G-28/ }).getByLabel('Sí').check();
  await page.getByLabel('Nombre(s)', { exact: true }).fill('María');
  await page.getByLabel('Apellido(s)').fill('López');
  await page.getByLabel('Número A').fill(aNumber);
  await page.getByLabel('Fecha de nacimiento').fill('1990-04-02');
  await page.getByLabel('País de nacimiento').selectOption('HN');
  await page.getByLabel('Idioma preferido del cliente').fill('es');
  await page.getByRole('group', { name: /intérprete/ }).getByLabel('No').check();
  await page.getByLabel('Centro de detención').fill('South Texas ICE Processing Center');
  await page.getByLabel('Estado del centro').selectOption('TX');
  await page.getByLabel('Problema de salud').fill('Embarazo de 30 semanas sin control prenatal desde hace dos meses.');
  await page.getByLabel('Embarazo').check();
  await page.getByLabel('Urgente: la salud del cliente').check();
  await page.getByLabel('Declaración médica').check();
  await page.getByRole('group', { name: 'Consentimiento' }).getByRole('checkbox').check();
}

describe('intake form', () => {
  it('shows a bad A-number next to the field and in the summary, then sends the fixed referral', async () => {
    const page = await browser.newPage();
    const posts: { headers: Record<string, string>; body: unknown }[] = [];
    page.on('request', (req) => {
      if (req.method() === 'POST' && new URL(req.url()).pathname === '/api/referrals') {
        posts.push({ headers: req.headers(), body: req.postDataJSON() });
      }
    });
    await page.goto(`${rt.url}/?lang=es`);
    expect(await page.getAttribute('html', 'lang')).toBe('es');
    await expect.poll(() => page.locator('h1').textContent()).toBe('Remisión para revisión médica');

    await fillSpanishForm(page, 'A1234567'); // 7 digits: one too few
    await page.getByRole('button', { name: 'Enviar remisión' }).click();

    const aNumber = page.getByLabel('Número A');
    const inline = page.locator('#client-aNumber-error');
    const summary = page.getByRole('alert');
    await expect.poll(() => aNumber.getAttribute('aria-invalid')).toBe('true');
    expect(await inline.isVisible()).toBe(true);
    expect(await inline.textContent()).toContain('Debe tener 8 o 9 dígitos');
    expect(await aNumber.getAttribute('aria-describedby')).toContain('client-aNumber-error');
    expect(await summary.isVisible()).toBe(true);
    expect(await summary.getByRole('listitem').allTextContents()).toEqual(['Número A: debe tener 8 o 9 dígitos, opcionalmente después de una A inicial']);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('summary');
    expect(posts).toHaveLength(0); // the browser's own check stopped it

    await summary.getByRole('link', { name: /Número A/ }).click();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('client-aNumber');

    await aNumber.fill('A 012-345-678');
    await page.getByRole('button', { name: 'Enviar remisión' }).click();

    const reference = page.locator('#success-ref');
    await reference.waitFor({ state: 'visible', timeout: 15_000 });
    expect((await reference.textContent())?.trim()).toMatch(REFERENCE);
    // a first referral from an address the program does not know yet: plain words say to open the email
    const verify = page.locator('#success-verify');
    expect(await verify.isVisible()).toBe(true);
    expect(await verify.textContent()).toContain('abra el correo que acabamos de enviar a ana.perez@example.org');
    expect(await page.locator('#success-keep').isVisible()).toBe(false);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('success');
    expect(await summary.isVisible()).toBe(false);

    expect(posts).toHaveLength(1);
    expect(posts[0].headers['content-type']).toBe('application/json');
    expect(posts[0].headers['idempotency-key']).toMatch(/^[A-Za-z0-9_-]{1,255}$/);
    expect(posts[0].body).toMatchObject({ client: { aNumber: 'A 012-345-678' }, consent: { releaseOfInformation: true } });
    expect(posts[0].body).not.toHaveProperty('website');
    await page.close();
  }, 60_000);

  it('the verification link opens a phone-sized page that confirms only on a tap, in Spanish too', async () => {
    const posted = await call(rt, 'POST', '/api/referrals', validReferral({ attorney: { email: 'new.lawyer@firm.test' }, medical: { attorneyUrgency: 'urgent' }, client: { aNumber: freshANumber() } }));
    await call(rt, 'POST', '/_local/settle');
    const mail = (await call(rt, 'GET', '/_local/outbox')).json.email.find((m: { to: string[] }) => m.to.includes('new.lawyer@firm.test'));
    const link = /(http:\/\/\S+\/verify#token=[A-Za-z0-9_-]+)/.exec(mail.text)![1];
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true });
    const page = await context.newPage();

    await page.goto(link);
    await page.getByRole('button', { name: 'Español' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Confirme su correo electrónico');
    expect(page.url()).not.toContain('token='); // taken out of the address bar
    await call(rt, 'POST', '/_local/settle');
    expect((await rt.deps.store.getCase(posted.json.referralId))?.status).toBe('awaiting_verification'); // opening changed nothing
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

    await page.getByRole('button', { name: 'Confirmar e iniciar la revisión' }).tap();
    await expect.poll(() => page.locator('#message-title').textContent()).toBe('Gracias: su dirección está confirmada');
    await call(rt, 'POST', '/_local/settle');
    const events = (await rt.deps.store.timeline(posted.json.referralId)).map((e) => e.event);
    expect(events).toContain('submitter_verified');
    expect((await rt.deps.store.getCase(posted.json.referralId))?.status).not.toBe('awaiting_verification');
    await context.close();
  }, 60_000);
});
