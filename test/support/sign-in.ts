import { createHash, randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { call } from './runtime.js';

/** The sign-in emails `email` got, oldest first, from the local outbox. */
async function codeMails(rt: { url: string }, email: string): Promise<{ text: string }[]> {
  const { json } = await call(rt, 'GET', '/_local/outbox');
  return (json.email as { to: string[]; subject: string; text: string }[]).filter(
    (m) => m.to.includes(email) && /sign-in code|iniciar sesión/.test(m.subject),
  );
}

/** The 6-digit code in the newest sign-in email to `email`. */
export async function latestCode(rt: { url: string }, email: string): Promise<string> {
  const mails = await codeMails(rt, email);
  const code = /\b(\d{6})\b/.exec(mails[mails.length - 1]?.text ?? '')?.[1];
  if (!code) throw new Error(`no sign-in code mailed to ${email}`);
  return code;
}

/** The words of a page's sign-in step and of the local provider's sign-in pages, by language. */
const SIGN_IN_WORDS = {
  en: { start: 'Sign in with your email', email: 'Email', send: 'Email me a code', code: 'Code', signIn: 'Sign in' },
  es: {
    start: 'Iniciar sesión con su correo',
    email: 'Correo electrónico',
    send: 'Enviarme un código',
    code: 'Código',
    signIn: 'Iniciar sesión',
  },
};

/**
 * Signs in on a page that shows its sign-in step (the form, `/referrals/`, `/cases/`) through the local
 * provider's pages, with the code read from the local outbox; returns once the provider sent the browser back.
 */
export async function signInWithEmailedCode(rt: { url: string }, page: Page, email: string, lang: 'en' | 'es' = 'en'): Promise<void> {
  const w = SIGN_IN_WORDS[lang];
  await page.getByRole('button', { name: w.start }).click();
  await page.waitForURL(/\/oidc\/interaction\//);
  await page.getByLabel(w.email).fill(email);
  await page.getByRole('button', { name: w.send }).click();
  const code = page.getByLabel(w.code, { exact: true });
  await code.waitFor();
  await code.fill(await latestCode(rt, email.toLowerCase()));
  await page.getByRole('button', { name: w.signIn, exact: true }).click();
}

/** How many sign-in emails `email` got. */
export async function codesSentTo(rt: { url: string }, email: string): Promise<number> {
  return (await codeMails(rt, email)).length;
}

/**
 * An attorney's browser, played over plain HTTP: starts an authorization request (code + PKCE) of the
 * external client at the local provider, keeps the provider's cookies, posts its sign-in forms, and
 * trades the code for the ID token, as oidc-client-ts does in the page.
 */
export class HttpSignIn {
  private readonly verifier = randomBytes(32).toString('base64url');
  private readonly state = randomBytes(8).toString('hex');
  /** The sign-in pages' address, `/oidc/interaction/<uid>`. */
  interaction = '';

  constructor(
    private readonly rt: { url: string },
    private readonly clientId = 'medreview-external',
    private readonly redirectUri = `${rt.url}/`,
    /** The provider's cookies: share them to play a second client in the same browser. */
    readonly cookies = new Map<string, string>(),
  ) {}

  /** Opens the authorization endpoint and follows it to the sign-in page. */
  async start(uiLocales?: string): Promise<{ status: number; html: string }> {
    const challenge = createHash('sha256').update(this.verifier).digest('base64url');
    const query = new URLSearchParams({
      client_id: this.clientId,
      redirect_uri: this.redirectUri,
      response_type: 'code',
      scope: 'openid email',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      state: this.state,
      nonce: randomBytes(8).toString('hex'),
      ...(uiLocales ? { ui_locales: uiLocales } : {}),
    });
    const landed = await this.follow(`${this.rt.url}/oidc/auth?${query}`);
    this.interaction = new URL(landed.url).pathname;
    return landed;
  }

  /** Posts the address form: 200 with the code page, or the email page with an error. */
  askCode(email: string): Promise<{ status: number; html: string; url: string }> {
    return this.post('email', { email });
  }

  /** Posts the console's username and password form. */
  login(username: string, password: string): Promise<{ status: number; html: string; url: string }> {
    return this.post('login', { username, password });
  }

  /** Posts the code form: on the right code, follows the provider back to the redirect URI. */
  sendCode(code: string): Promise<{ status: number; html: string; url: string }> {
    return this.post('code', { code });
  }

  /** Trades the authorization code in `redirected` (the redirect URI with `?code=`) for the tokens. */
  async tokens(redirected: string): Promise<{ id_token: string }> {
    const url = new URL(redirected);
    if (url.searchParams.get('state') !== this.state) throw new Error(`no answer to this request: ${redirected}`);
    const res = await fetch(`${this.rt.url}/oidc/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: url.searchParams.get('code') ?? '',
        redirect_uri: this.redirectUri,
        client_id: this.clientId,
        code_verifier: this.verifier,
      }),
    });
    if (!res.ok) throw new Error(`token endpoint ${res.status}: ${await res.text()}`);
    return (await res.json()) as { id_token: string };
  }

  private async post(step: string, fields: Record<string, string>) {
    return this.follow(`${this.rt.url}${this.interaction}/${step}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
  }

  /** Fetches with the cookie jar, following redirects within the provider; stops at the redirect URI. */
  private async follow(url: string, init: RequestInit = {}): Promise<{ status: number; html: string; url: string }> {
    let next = url;
    let request = init;
    for (let hop = 0; hop < 10; hop++) {
      const res = await fetch(next, {
        ...request,
        redirect: 'manual',
        headers: { ...(request.headers as Record<string, string>), cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
      });
      for (const line of res.headers.getSetCookie()) {
        const [pair] = line.split(';');
        const [name, value] = pair.split('=');
        if (value) this.cookies.set(name, value);
        else this.cookies.delete(name);
      }
      const location = res.headers.get('location');
      if (!location) return { status: res.status, html: await res.text(), url: next };
      next = new URL(location, next).toString();
      const { origin, pathname } = new URL(next);
      if (`${origin}${pathname}` === this.redirectUri) return { status: res.status, html: '', url: next };
      request = {};
    }
    throw new Error('too many redirects');
  }
}
