import { decodeJwt } from 'jose';
import { describe, it, expect } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.js';
import type { Browser, Page } from 'playwright-core';
import { axeFindings, expectNoSeriousA11yViolations } from '../support/axe.js';
import { useBrowser } from '../support/browser.js';
import { trust } from '../integration/helpers.js';
import { call, useTestRuntime } from '../support/runtime.js';
import { latestCode, signInWithEmailedCode } from '../support/sign-in.js';

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

/**
 * Signs in from the form's first step through the local provider's pages, with the code read from the
 * local outbox, and waits for the form to say who is signed in.
 */
async function signInOnPage(page: Page, email: string, lang: 'en' | 'es' = 'en'): Promise<void> {
  await signInWithEmailedCode(rt, page, email, lang);
  await page.locator('#account-text').waitFor({ state: 'visible' });
}

/** Fills every required field (and a few optional ones) in the Spanish form, with `aNumber` as given. */
async function fillSpanishForm(page: Page, aNumber: string): Promise<void> {
  await page.getByLabel('Su nombre completo').fill('Ana Pérez');
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
    await signInOnPage(page, 'ana.perez@example.org', 'es');

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
    // a new attorney's referral is in review, in the same words as any case in review
    expect(await page.locator('#success-status').textContent()).toBe(
      'El equipo del programa la revisa y luego la ofrece a médicos voluntarios.',
    );
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('success');
    expect(await summary.isVisible()).toBe(false);

    expect(posts).toHaveLength(1);
    expect(posts[0].headers['content-type']).toBe('application/json');
    expect(posts[0].headers['idempotency-key']).toMatch(/^[A-Za-z0-9_-]{1,255}$/);
    expect(decodeJwt(posts[0].headers.authorization.replace(/^Bearer /, ''))).toMatchObject({
      email: 'ana.perez@example.org',
      aud: 'medreview-external',
    });
    expect(posts[0].body).toMatchObject({
      attorney: { email: 'ana.perez@example.org' },
      client: { aNumber: 'A 012-345-678' },
      consent: { releaseOfInformation: true },
    });
    expect(posts[0].body).not.toHaveProperty('website');
    await page.close();
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
    await signInOnPage(page, 'quiche.test@example.org', 'es');
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
    await signInOnPage(page, 'creole.test@example.org', 'es');
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
    await signInOnPage(page, 'klingon.test@example.org');
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

describe('intake form sign-in', () => {
  /** The requests the page sends to /api/referrals, with their answers. */
  function captureReferralPosts(page: Page): { authorization?: string; body: any; status?: number }[] {
    const posts: { authorization?: string; body: any; status?: number }[] = [];
    page.on('request', (req) => {
      if (req.method() === 'POST' && new URL(req.url()).pathname === '/api/referrals')
        posts.push({ authorization: req.headers().authorization, body: req.postDataJSON() });
    });
    page.on('response', (res) => {
      if (res.request().method() === 'POST' && new URL(res.url()).pathname === '/api/referrals') {
        const post = posts.find((p) => p.status === undefined);
        if (post) post.status = res.status();
      }
    });
    return posts;
  }

  /** What this browser tab keeps: session and local storage, every value. */
  const storedText = (page: Page) => page.evaluate(() => JSON.stringify([{ ...sessionStorage }, { ...localStorage }, document.cookie]));

  it('on a phone in Spanish: signs in with the emailed code before any patient field shows, then pages an approved attorney', async () => {
    await trust(rt, { email: 'lucia.mora@example.net' });
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 3,
      isMobile: true,
      hasTouch: true,
    });
    const page = await context.newPage();
    const posts = captureReferralPosts(page);
    await page.goto(`${rt.url}/?lang=es`);

    const start = page.getByRole('button', { name: 'Iniciar sesión con su correo' });
    await start.waitFor();
    expect(await page.getByRole('heading', { name: 'Inicie sesión con su correo electrónico' }).isVisible()).toBe(true);
    expect(await page.locator('#referral').isVisible()).toBe(false); // no patient field before sign-in
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await expectNoSeriousA11yViolations(page, 'the sign-in step in Spanish on a phone');

    await start.tap();
    await page.waitForURL(/\/oidc\/interaction\//);
    expect(await page.getAttribute('html', 'lang')).toBe('es');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await expectNoSeriousA11yViolations(page, "the provider's address page in Spanish");
    await page.getByLabel('Correo electrónico').fill('Lucia.Mora@Example.net');
    await page.getByRole('button', { name: 'Enviarme un código' }).tap();
    await page.getByText('Enviamos un código de 6 dígitos a lucia.mora@example.net').waitFor();
    await expectNoSeriousA11yViolations(page, "the provider's code page in Spanish");
    await page.getByLabel('Código', { exact: true }).fill(await latestCode(rt, 'lucia.mora@example.net'));
    await page.getByRole('button', { name: 'Iniciar sesión', exact: true }).tap();

    await page.locator('#account-text').waitFor({ state: 'visible' });
    expect(page.url()).toBe(`${rt.url}/?lang=es`); // the code left the address, the language came back
    expect(await page.locator('#account-text').textContent()).toBe('Sesión iniciada como lucia.mora@example.net');
    const email = page.getByLabel('Correo electrónico', { exact: true });
    expect(await email.inputValue()).toBe('lucia.mora@example.net');
    expect(await email.getAttribute('readonly')).not.toBeNull();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await expectNoSeriousA11yViolations(page, 'the signed-in form in Spanish on a phone');

    await fillSpanishForm(page, 'A 701-234-567');
    await page.getByRole('button', { name: 'Enviar remisión' }).tap();
    const reference = page.locator('#success-ref');
    await reference.waitFor({ state: 'visible', timeout: 15_000 });
    expect((await reference.textContent())?.trim()).toMatch(REFERENCE);
    expect(await page.locator('#success-status').textContent()).toBe(
      'Clasificada como urgente: ya se está avisando a los médicos voluntarios de guardia.',
    );
    expect(posts).toHaveLength(1);
    expect(posts[0].status).toBe(201);
    expect(decodeJwt(posts[0].authorization!.replace(/^Bearer /, ''))).toMatchObject({
      email: 'lucia.mora@example.net',
      email_verified: true,
    });
    expect(posts[0].body.attorney.email).toBe('lucia.mora@example.net');
    await expectNoSeriousA11yViolations(page, 'the receipt in Spanish on a phone');

    // tokens only, in this tab's session storage: nothing typed about the patient is kept
    const stored = await storedText(page);
    expect(stored).toContain('id_token');
    for (const typed of ['María', 'López', '701234567', '701-234-567', 'South Texas', 'Embarazo de 30'])
      expect(stored).not.toContain(typed);
    await context.close();
  }, 90_000);

  it('works with the keyboard alone: sign in, send, sign out', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${rt.url}/`);
    const start = page.getByRole('button', { name: 'Sign in with your email' });
    await start.waitFor();
    // the language toggle, then the sign-in button
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(await start.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/oidc\/interaction\//);
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('email'); // the address box has the focus
    await page.keyboard.type('keys.only@example.net');
    await page.keyboard.press('Enter');
    await page.getByText('We sent a 6-digit code to keys.only@example.net').waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('code');
    await page.keyboard.type(await latestCode(rt, 'keys.only@example.net'));
    await page.keyboard.press('Enter');
    await page.locator('#account-text').waitFor({ state: 'visible' });
    expect(await page.locator('#account-text').textContent()).toBe('Signed in as keys.only@example.net');

    // the address is the one signed in with: typing into its box changes nothing
    const email = page.getByLabel('Email', { exact: true });
    await email.focus();
    await page.keyboard.type('someone@else.org');
    expect(await email.inputValue()).toBe('keys.only@example.net');

    await page.getByRole('button', { name: 'Español' }).press('Enter');
    await fillSpanishForm(page, 'A701234568');
    await page.getByRole('button', { name: 'English' }).press('Enter');
    await page.getByRole('button', { name: 'Send referral' }).press('Enter');
    await page.locator('#success-ref').waitFor({ state: 'visible', timeout: 15_000 });
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('success');

    await page.getByRole('button', { name: 'Sign out' }).press('Enter');
    await page.waitForURL(/\/oidc\/session\/end/);
    await page.getByRole('button', { name: 'Sign out' }).press('Enter');
    await page.getByRole('button', { name: 'Sign in with your email' }).waitFor();
    expect(page.url()).toBe(`${rt.url}/`);
    expect(await page.evaluate(() => Object.keys(sessionStorage).filter((k) => k.startsWith('oidc.user:')))).toEqual([]);
    await context.close();
  }, 90_000);

  it('5 wrong codes end the attempt; after the minute a new code signs in', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${rt.url}/`);
    await page.getByRole('button', { name: 'Sign in with your email' }).click();
    await page.waitForURL(/\/oidc\/interaction\//); // the provider's page, not the form still on screen
    await page.getByLabel('Email').fill('wrong.codes@example.net');
    await page.getByRole('button', { name: 'Email me a code' }).click();
    const right = await (async () => {
      await page.getByLabel('Code', { exact: true }).waitFor();
      return latestCode(rt, 'wrong.codes@example.net');
    })();
    const wrong = String((Number(right) + 500_000) % 1_000_000).padStart(6, '0');
    for (let n = 1; n <= 4; n++) {
      await page.getByLabel('Code', { exact: true }).fill(wrong);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await expect
        .poll(() => page.getByRole('alert').textContent())
        .toContain(`That code is not right. ${n === 4 ? '1 try' : `${5 - n} tries`} left.`);
      expect(await page.getByLabel('Code', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    }
    await expectNoSeriousA11yViolations(page, 'the code page showing a wrong code');
    await page.getByLabel('Code', { exact: true }).fill(wrong);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('this sign-in attempt has ended');
    expect(await page.getByLabel('Code', { exact: true }).count()).toBe(0); // back at the address step
    expect(await page.getByLabel('Email').inputValue()).toBe('wrong.codes@example.net');

    // a new code at once is refused (one a minute); after the minute it comes and signs in
    await page.getByRole('button', { name: 'Email me a code' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('less than a minute ago');
    await call(rt, 'POST', '/_local/clock/advance', { minutes: 1 });
    await page.getByRole('button', { name: 'Email me a code' }).click();
    await page.getByLabel('Code', { exact: true }).fill(await latestCode(rt, 'wrong.codes@example.net'));
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect.poll(() => page.locator('#account-text').textContent()).toBe('Signed in as wrong.codes@example.net');
    await context.close();
  }, 90_000);

  it('a sign-in that ended while typing keeps the answers: a popup signs in again, then the referral goes', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const posts = captureReferralPosts(page);
    await page.goto(`${rt.url}/?lang=es`);
    await signInOnPage(page, 'late.typist@example.net', 'es');
    await fillSpanishForm(page, 'A701234569');
    await page.getByRole('button', { name: 'English' }).click();

    /** Rewrites the stored user (the tab's session storage), as time or a revoked token would. */
    const editStoredUser = (patch: { exp?: number; idToken?: string }) =>
      page.evaluate(({ exp, idToken }) => {
        const key = Object.keys(sessionStorage).find((k) => k.startsWith('oidc.user:'))!;
        const user = JSON.parse(sessionStorage.getItem(key)!);
        if (exp !== undefined) user.profile.exp = exp;
        if (idToken !== undefined) user.id_token = idToken;
        sessionStorage.setItem(key, JSON.stringify(user));
      }, patch);

    /** Signs in again from the prompt, in the popup the page opens (the provider still knows this browser). */
    async function renew(): Promise<void> {
      const popup = page.waitForEvent('popup');
      await page.getByRole('button', { name: 'Sign in again' }).press('Enter');
      await (await popup).waitForEvent('close');
      await expect.poll(() => page.locator('#reauth-title').textContent()).toBe('Signed in again');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('submit');
    }

    // 1. the ID token expired while the attorney typed: the page sees it before sending anything
    await editStoredUser({ exp: Math.floor(Date.now() / 1000) - 5 });
    await page.getByRole('button', { name: 'Send referral' }).click();
    await expect.poll(() => page.locator('#reauth-text').textContent()).toContain('Your answers are still here');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('reauth');
    expect(posts).toHaveLength(0);
    await expectNoSeriousA11yViolations(page, 'the prompt to sign in again');
    await renew();
    expect(await page.getByLabel('A-number').inputValue()).toBe('A701234569');

    // 2. the API refuses the token (401): the same prompt, the answers still there
    const { json: staff } = await call(rt, 'GET', '/_local/token?group=coordinators');
    await editStoredUser({ idToken: staff.token });
    await page.getByRole('button', { name: 'Send referral' }).click();
    await expect.poll(() => page.locator('#reauth-title').textContent()).toBe('Sign in again to send');
    expect(posts.map((p) => p.status)).toEqual([401]);
    expect(await page.getByLabel('Health concern').inputValue()).toContain('Embarazo de 30 semanas');
    await renew();

    await page.getByRole('button', { name: 'Send referral' }).press('Enter');
    await page.locator('#success-ref').waitFor({ state: 'visible', timeout: 15_000 });
    expect(posts.map((p) => p.status)).toEqual([401, 201]);
    expect(posts[0].body.client.aNumber).toBe(posts[1].body.client.aNumber);
    expect(decodeJwt(posts[1].authorization!.replace(/^Bearer /, '')).email).toBe('late.typist@example.net');
    expect(await page.locator('#reauth').isVisible()).toBe(false);
    await context.close();
  }, 90_000);
});

describe('intake form sign-in renewal', () => {
  it('a popup closed before signing in says so; signing in again in the popup with a new code keeps the answers', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${rt.url}/?lang=es`);
    await signInOnPage(page, 'popup.closer@example.net', 'es');
    await fillSpanishForm(page, 'A701234570');
    await page.getByRole('button', { name: 'English' }).click();
    // the provider's session is gone too (it lasts 8 hours locally), so the popup asks for a code
    await context.clearCookies();
    await page.evaluate(() => {
      const key = Object.keys(sessionStorage).find((k) => k.startsWith('oidc.user:'))!;
      const user = JSON.parse(sessionStorage.getItem(key)!);
      user.profile.exp = Math.floor(Date.now() / 1000) - 5;
      sessionStorage.setItem(key, JSON.stringify(user));
    });
    await page.getByRole('button', { name: 'Send referral' }).click();
    await page.getByRole('button', { name: 'Sign in again' }).waitFor();

    let popup = page.waitForEvent('popup');
    await page.getByRole('button', { name: 'Sign in again' }).click();
    const closed = await popup;
    await closed.getByLabel('Email').waitFor();
    expect(await closed.getByLabel('Email').inputValue()).toBe('popup.closer@example.net'); // offered from login_hint
    await closed.close();
    await expect.poll(() => page.locator('#reauth-text').textContent()).toContain('closed or blocked');
    expect(await page.getByLabel('Your full name').inputValue()).toBe('Ana Pérez');

    await call(rt, 'POST', '/_local/clock/advance', { minutes: 1 }); // a new code, past the one-a-minute limit
    popup = page.waitForEvent('popup');
    await page.getByRole('button', { name: 'Sign in again' }).click();
    const window = await popup;
    await window.getByRole('button', { name: 'Email me a code' }).click();
    await window.getByLabel('Code', { exact: true }).fill(await latestCode(rt, 'popup.closer@example.net'));
    await Promise.all([window.waitForEvent('close'), window.getByRole('button', { name: 'Sign in', exact: true }).click()]);
    await expect.poll(() => page.locator('#reauth-title').textContent()).toBe('Signed in again');
    expect(await page.getByLabel('A-number').inputValue()).toBe('A701234570');
    expect(await page.locator('#account-text').textContent()).toBe('Signed in as popup.closer@example.net');
    await context.close();
  }, 90_000);
});
