import { describe, it, expect } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.js';
import type { Browser, Page } from 'playwright-core';
import { axeFindings, expectNoSeriousA11yViolations } from '../support/axe.js';
import { useBrowser } from '../support/browser.js';
import { freshANumber, validReferral } from '../fixtures/referral.js';
import { call, useTestRuntime } from '../support/runtime.js';

const REFERENCE = /^MR-[0-9A-HJKMNP-TV-Z]{8}$/;

let rt!: LocalRuntime;
let browser!: Browser;
useTestRuntime((started) => (rt = started));
useBrowser((launched) => (browser = launched));

/** Types `typed` into the language field labelled `label` and clicks the option named `option`. */
async function pickLanguage(page: Page, label: string, typed: string, option: string): Promise<void> {
  const box = page.getByRole('combobox', { name: label });
  await box.fill('');
  await box.pressSequentially(typed);
  await page.getByRole('option', { name: new RegExp(`^${option.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}( · |$)`) }).click();
  expect(await box.inputValue()).toBe(option);
  expect(await box.getAttribute('aria-expanded')).toBe('false');
}

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
  await pickLanguage(page, 'Idioma preferido del cliente', 'españ', 'Español');
  await page
    .getByRole('group', { name: /intérprete/ })
    .getByLabel('No')
    .check();
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
    expect(await summary.getByRole('listitem').allTextContents()).toEqual([
      'Número A: debe tener 8 o 9 dígitos, opcionalmente después de una A inicial',
    ]);
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
    const posted = await call(
      rt,
      'POST',
      '/api/referrals',
      validReferral({
        attorney: { email: 'new.lawyer@firm.test' },
        medical: { attorneyUrgency: 'urgent' },
        client: { aNumber: freshANumber() },
      }),
    );
    await call(rt, 'POST', '/_local/settle');
    const mail = (await call(rt, 'GET', '/_local/outbox')).json.email.find((m: { to: string[] }) => m.to.includes('new.lawyer@firm.test'));
    const link = /(http:\/\/\S+\/verify#token=[A-Za-z0-9_-]+)/.exec(mail.text)![1];
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 3,
      isMobile: true,
      hasTouch: true,
    });
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

describe('intake form language field', () => {
  /** The JSON bodies the page POSTs to /api/referrals. */
  function capturePosts(page: Page): unknown[] {
    const posts: unknown[] = [];
    page.on('request', (req) => {
      if (req.method() === 'POST' && new URL(req.url()).pathname === '/api/referrals') posts.push(req.postDataJSON());
    });
    return posts;
  }

  it("finds K'iche' typed in Spanish without accents or apostrophes and sends quc", async () => {
    const page = await browser.newPage();
    const posts = capturePosts(page);
    await page.goto(`${rt.url}/?lang=es`);
    await fillSpanishForm(page, 'A012345678');

    const box = page.getByRole('combobox', { name: 'Idioma preferido del cliente' });
    expect(await box.getAttribute('aria-autocomplete')).toBe('list');
    await box.fill('');
    await box.pressSequentially('quiche');
    expect(await box.getAttribute('aria-expanded')).toBe('true');
    const list = page.getByRole('listbox');
    expect(await list.getByRole('option').allTextContents()).toEqual(["K'iche'"]);
    await expect.poll(() => page.locator('#client-language-status').textContent()).toContain('1 idioma encontrado');
    await expectNoSeriousA11yViolations(page, 'the intake form in Spanish with the language list open');
    await page.getByRole('option', { name: "K'iche'" }).click();
    expect(await box.inputValue()).toBe("K'iche'");
    expect(await list.isVisible()).toBe(false);

    await page.getByRole('button', { name: 'Enviar remisión' }).click();
    await page.locator('#success-ref').waitFor({ state: 'visible', timeout: 15_000 });
    expect(posts).toHaveLength(1);
    expect(posts[0]).toMatchObject({ client: { language: 'quc' } });
    await expectNoSeriousA11yViolations(page, "the intake form's confirmation");
    await page.close();
  }, 60_000);

  it('finds Haitian Creole typed in English with the keyboard, shows the name in Spanish after a switch, and sends ht', async () => {
    const page = await browser.newPage();
    const posts = capturePosts(page);
    await page.goto(`${rt.url}/?lang=es`);
    await fillSpanishForm(page, 'A012345678');
    await page.getByRole('button', { name: 'English' }).click();

    const box = page.getByRole('combobox', { name: "Client's preferred language" });
    await box.fill('');
    await box.pressSequentially('haiti');
    const options = page.getByRole('listbox').getByRole('option');
    expect(await options.allTextContents()).toEqual(['Haitian Creole · Criollo haitiano']);
    await box.press('ArrowDown');
    expect(await box.getAttribute('aria-activedescendant')).toBe('client-language-list-ht');
    expect(await options.first().getAttribute('aria-selected')).toBe('true');
    await box.press('Enter'); // picks; does not submit the form
    expect(await box.inputValue()).toBe('Haitian Creole');
    expect(posts).toHaveLength(0);

    await page.getByRole('button', { name: 'Español' }).click();
    expect(await page.getByRole('combobox', { name: 'Idioma preferido del cliente' }).inputValue()).toBe('Criollo haitiano');

    await page.getByRole('button', { name: 'Enviar remisión' }).click();
    await page.locator('#success-ref').waitFor({ state: 'visible', timeout: 15_000 });
    expect(posts).toHaveLength(1);
    expect(posts[0]).toMatchObject({ client: { language: 'ht' } });
    await page.close();
  }, 60_000);

  it('takes a full name typed without picking, and refuses a name that is not in the list', async () => {
    const page = await browser.newPage();
    const posts = capturePosts(page);
    await page.goto(`${rt.url}/`);
    await expectNoSeriousA11yViolations(page, 'the empty intake form in English');
    await page.getByRole('button', { name: 'Español' }).click();
    await fillSpanishForm(page, 'A012345678');
    await page.getByRole('button', { name: 'English' }).click();

    const box = page.getByRole('combobox', { name: "Client's preferred language" });
    await box.fill('Klingon');
    await page.getByRole('button', { name: 'Send referral' }).click();
    const inline = page.locator('#client-language-error');
    await expect.poll(() => inline.textContent()).toBe('Choose a language from the list');
    expect(await box.getAttribute('aria-invalid')).toBe('true');
    expect(posts).toHaveLength(0);
    await expectNoSeriousA11yViolations(page, 'the intake form showing an error');

    await box.fill('portuguese');
    await box.press('Tab');
    expect(await box.inputValue()).toBe('Portuguese');
    await page.getByRole('button', { name: 'Send referral' }).click();
    await page.locator('#success-ref').waitFor({ state: 'visible', timeout: 15_000 });
    expect(posts).toHaveLength(1);
    expect(posts[0]).toMatchObject({ client: { language: 'pt' } });

    // the check itself sees a violation: an unlabelled text box added to the page
    await page.evaluate(() => document.querySelector('main')!.append(Object.assign(document.createElement('input'), { type: 'text' })));
    expect((await axeFindings(page)).map((f) => [f.id, f.impact])).toContainEqual(['label', 'critical']);
    await page.close();
  }, 60_000);
});
