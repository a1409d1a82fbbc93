import Provider, { interactionPolicy, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createLocalJWKSet, exportJWK, generateKeyPair, type JWTVerifyGetKey } from 'jose';
import { SignInCodes } from './sign-in-codes.js';

/** The console's OAuth client, registered with the local provider (public client: code + PKCE). */
export const CONSOLE_CLIENT_ID = 'medreview-console';
/** The external pool's client: attorneys (the intake form, their referrals page) and doctors (their cases page). */
export const EXTERNAL_CLIENT_ID = 'medreview-external';
export const OIDC_PATH = '/oidc';

interface Account {
  username: string;
  password: string;
  groups: string[];
}

/** Who can sign in locally: a coordinator, and a staff member without the coordinators group (sees "no access"). */
export const DEMO_ACCOUNTS: Account[] = [
  { username: 'coordinator@medreview.local', password: 'demo-coordinator-2026', groups: ['coordinators'] },
  { username: 'visitor@medreview.local', password: 'demo-visitor-2026', groups: [] },
];

export interface LocalOidc {
  issuer: string;
  clientId: string;
  /** The provider's public keys, for the local authorizer. */
  jwks: JWTVerifyGetKey;
  /** Handles a request whose path starts with `/oidc`. */
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** Forgets every sign-in code and the counts that limit them (the local reset hook). */
  resetCodes(): void;
}

export interface LocalOidcOptions {
  /** Mails an attorney's (or doctor's) 6-digit sign-in code; the runtime sends it through its email port. */
  sendCode(email: string, code: string, lang: Lang): Promise<void>;
  /** The time the code limits and expiry read (the runtime's controllable clock). */
  now(): number;
}

type Lang = 'en' | 'es';

/**
 * A real OpenID Connect provider (oidc-provider) mounted under `/oidc` of the local server, standing in for
 * Cognito's managed login of both user pools: authorization code with PKCE, ID tokens carrying
 * `cognito:groups` and `email` like Cognito's, and RP-initiated sign-out. The console's client signs in
 * with a username and password; the external client (attorneys, doctors) with a 6-digit code mailed to
 * the address typed, as Cognito's passwordless email one-time code does. A session of one pool never
 * signs anyone in to the other's client.
 */
export async function startLocalOidc(baseUrl: string, options: LocalOidcOptions): Promise<LocalOidc> {
  const issuer = `${baseUrl}${OIDC_PATH}`;
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const privateJwk = { ...(await exportJWK(privateKey)), kid: 'local-1', alg: 'RS256', use: 'sig' };
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = privateJwk;
  const codes = new SignInCodes(options.now);
  /** External accounts by `sub`: whoever proved an address with a code. */
  const external = new Map<string, string>();
  const isExternal = (clientId: string | undefined) => clientId === EXTERNAL_CLIENT_ID;

  const policy = interactionPolicy.base();
  policy
    .get('login')!
    .checks.add(
      new interactionPolicy.Check('other_pool', 'the session belongs to the other user pool', (ctx) =>
        ctx.oidc.session?.accountId && external.has(ctx.oidc.session.accountId) !== isExternal(ctx.oidc.client?.clientId)
          ? interactionPolicy.Check.REQUEST_PROMPT
          : interactionPolicy.Check.NO_NEED_TO_PROMPT,
      ),
    );
  const site = [`${baseUrl}/`, `${baseUrl}/referrals/`, `${baseUrl}/cases/`];

  const configuration: Configuration = {
    clients: [
      {
        client_id: CONSOLE_CLIENT_ID,
        client_name: 'medreview console',
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code'],
        response_types: ['code'],
        redirect_uris: [`${baseUrl}/console/callback`],
        post_logout_redirect_uris: [`${baseUrl}/console/`],
      },
      {
        client_id: EXTERNAL_CLIENT_ID,
        client_name: 'medreview',
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code'],
        response_types: ['code'],
        redirect_uris: site,
        post_logout_redirect_uris: site,
      },
    ],
    jwks: { keys: [privateJwk as never] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    pkce: { required: () => true },
    // the pages call the token endpoint from their own origin, which is this server's
    clientBasedCORS: (_ctx, origin) => origin === baseUrl,
    // Like Cognito's ID token: the groups and the email are in it, which the API reads.
    claims: { openid: ['sub', 'cognito:groups'], email: ['email', 'email_verified'] },
    conformIdTokenClaims: false,
    ttl: { IdToken: 3600, AccessToken: 3600, AuthorizationCode: 60, Interaction: 600, Session: 8 * 3600, Grant: 8 * 3600 },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: { enabled: true, logoutSource, postLogoutSuccessSource },
    },
    interactions: { policy, url: (_ctx, interaction) => `${OIDC_PATH}/interaction/${interaction.uid}` },
    async findAccount(_ctx, sub) {
      const email = external.get(sub);
      if (email) return { accountId: sub, claims: async () => ({ sub, email, email_verified: true }) };
      const account = DEMO_ACCOUNTS.find((a) => a.username === sub);
      if (!account) return undefined;
      return {
        accountId: sub,
        claims: async () => ({ sub, email: account.username, email_verified: true, 'cognito:groups': account.groups }),
      };
    },
    // First-party clients: no consent screen; each gets the scopes it asks for.
    async loadExistingGrant(ctx: KoaContextWithOIDC) {
      const { oidc } = ctx;
      const grantId = oidc.result?.consent?.grantId ?? oidc.session!.grantIdFor(oidc.client!.clientId);
      if (grantId) return oidc.provider.Grant.find(grantId);
      const grant = new oidc.provider.Grant({ clientId: oidc.client!.clientId, accountId: oidc.session!.accountId });
      grant.addOIDCScope('openid email');
      await grant.save();
      return grant;
    },
    renderError: async (ctx, out) => {
      ctx.type = 'html';
      ctx.body = page('Sign-in error', `<p>${escapeHtml(String(out.error_description ?? out.error))}</p>`);
    },
  };
  const provider = new Provider(issuer, configuration);
  const callback = provider.callback();

  async function interaction(req: IncomingMessage, res: ServerResponse, uid: string, step: string | undefined): Promise<void> {
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== uid) throw new Error('interaction mismatch');
    if (isExternal(details.params.client_id as string | undefined)) {
      const lang: Lang = /^es\b/i.test(String(details.params.ui_locales ?? '')) ? 'es' : 'en';
      const hint = typeof details.params.login_hint === 'string' ? details.params.login_hint : '';
      return externalStep(req, res, uid, step, lang, hint);
    }
    if (!step) return html(res, 200, loginPage(uid));
    if (step !== 'login') return html(res, 404, page('Not found', '<p>Use the sign-in form.</p>'));
    const form = new URLSearchParams(await readText(req));
    const account = DEMO_ACCOUNTS.find((a) => a.username === form.get('username')?.trim().toLowerCase());
    if (!account || !sameText(account.password, form.get('password') ?? '')) {
      return html(res, 401, loginPage(uid, 'The username or password is not right.'));
    }
    await provider.interactionFinished(req, res, { login: { accountId: account.username } }, { mergeWithLastSubmission: false });
  }

  /** The passwordless steps: the address (`/email` mails a code), then the code (`/code` signs in). */
  async function externalStep(
    req: IncomingMessage,
    res: ServerResponse,
    uid: string,
    step: string | undefined,
    lang: Lang,
    hint: string,
  ): Promise<void> {
    const t = CODE_TEXT[lang];
    // a page signing the same person in again offers their address (`login_hint`)
    if (!step) return html(res, 200, emailPage(uid, lang, undefined, hint));
    const form = new URLSearchParams(await readText(req));
    if (step === 'email') {
      const email = (form.get('email') ?? '').trim().toLowerCase();
      if (!EMAIL.test(email) || email.length > 254) return html(res, 422, emailPage(uid, lang, t.badEmail, email));
      const issued = codes.issue(uid, email);
      if (!issued.ok) return html(res, 429, emailPage(uid, lang, t[issued.reason], email));
      try {
        await options.sendCode(email, issued.code, lang);
      } catch {
        codes.withdraw(uid, email);
        return html(res, 503, emailPage(uid, lang, t.notSent, email));
      }
      return html(res, 200, codePage(uid, lang, email));
    }
    if (step !== 'code') return html(res, 404, page('Not found', '<p>Use the sign-in form.</p>'));
    const email = codes.emailOf(uid);
    const checked = codes.check(uid, form.get('code') ?? '');
    if (checked.ok) {
      const sub = accountIdOf(checked.email);
      external.set(sub, checked.email);
      await provider.interactionFinished(req, res, { login: { accountId: sub } }, { mergeWithLastSubmission: false });
      return;
    }
    if (checked.reason === 'wrong') {
      const left = checked.triesLeft === 1 ? t.oneTryLeft : fill(t.triesLeft, { n: String(checked.triesLeft) });
      return html(res, 401, codePage(uid, lang, email ?? '', `${t.wrong} ${left}`));
    }
    return html(res, 401, emailPage(uid, lang, t[checked.reason], email));
  }

  return {
    issuer,
    clientId: CONSOLE_CLIENT_ID,
    jwks: createLocalJWKSet({ keys: [publicJwk as never] }),
    resetCodes: () => codes.clear(),
    handle(req, res) {
      const original = req.url ?? '/';
      const path = original.slice(OIDC_PATH.length) || '/';
      const step = /^\/interaction\/([\w-]+)(?:\/(login|email|code))?$/.exec(path.split('?')[0]);
      if (step) {
        if (Boolean(step[2]) !== (req.method === 'POST')) return html(res, 405, page('Not allowed', '<p>Use the sign-in form.</p>'));
        interaction(req, res, step[1], step[2]).catch(() => {
          if (!res.headersSent)
            html(
              res,
              400,
              page('Sign-in expired', '<p>This sign-in has expired. Go back to the page you came from and sign in again.</p>'),
            );
        });
        return;
      }
      // oidc-provider reads its mount path from originalUrl and routes on url
      Object.assign(req, { originalUrl: original, url: path });
      void callback(req, res);
    },
  };
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** A stable `sub` per address, UUID-shaped like Cognito's (the same address always gets the same one). */
function accountIdOf(email: string): string {
  const h = createHash('sha256').update(`medreview-local-external:${email}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The passwordless pages' words, in the language the page that sent the attorney here asked for (`ui_locales`). */
const CODE_TEXT = {
  en: {
    title: 'Sign in with your email',
    intro: 'We email you a 6-digit code. No password is needed.',
    local: "Local sign-in (stands in for the program's Cognito sign-in).",
    email: 'Email',
    send: 'Email me a code',
    codeTitle: 'Enter your code',
    sent: 'We sent a 6-digit code to {email}. It expires in 10 minutes.',
    code: 'Code',
    codeHint: 'The 6 digits from the email.',
    signIn: 'Sign in',
    newCode: 'Send a new code',
    otherEmail: 'Use another email',
    problem: 'There is a problem',
    badEmail: 'Enter an email address, like name@example.org.',
    minute: 'A code was sent to this address less than a minute ago. Wait a minute, then ask for a new one.',
    hour: 'This address has had 10 codes in the last hour. Try again later.',
    notSent: 'The code could not be sent. Try again in a moment.',
    wrong: 'That code is not right.',
    triesLeft: '{n} tries left.',
    oneTryLeft: '1 try left.',
    ended: 'Too many wrong codes: this sign-in attempt has ended. Ask for a new code to start again.',
    expired: 'That code has expired. Ask for a new one.',
    none: 'Ask for a code first.',
  },
  es: {
    title: 'Inicie sesión con su correo electrónico',
    intro: 'Le enviamos por correo un código de 6 dígitos. No necesita contraseña.',
    local: 'Inicio de sesión local (reemplaza al inicio de sesión de Cognito del programa).',
    email: 'Correo electrónico',
    send: 'Enviarme un código',
    codeTitle: 'Escriba su código',
    sent: 'Enviamos un código de 6 dígitos a {email}. Vence en 10 minutos.',
    code: 'Código',
    codeHint: 'Los 6 dígitos del correo.',
    signIn: 'Iniciar sesión',
    newCode: 'Enviar un código nuevo',
    otherEmail: 'Usar otro correo',
    problem: 'Hay un problema',
    badEmail: 'Escriba una dirección de correo, como nombre@ejemplo.org.',
    minute: 'Se envió un código a esta dirección hace menos de un minuto. Espere un minuto y pida uno nuevo.',
    hour: 'Esta dirección recibió 10 códigos en la última hora. Inténtelo más tarde.',
    notSent: 'No se pudo enviar el código. Inténtelo de nuevo en un momento.',
    wrong: 'Ese código no es correcto.',
    triesLeft: 'Le quedan {n} intentos.',
    oneTryLeft: 'Le queda 1 intento.',
    ended: 'Demasiados códigos incorrectos: este intento terminó. Pida un código nuevo para empezar otra vez.',
    expired: 'Ese código venció. Pida uno nuevo.',
    none: 'Primero pida un código.',
  },
} satisfies Record<Lang, Record<string, string>>;

function problemBox(lang: Lang, error: string | undefined): string {
  return error ? `<div class="summary" role="alert" id="problem"><h2>${CODE_TEXT[lang].problem}</h2><p>${escapeHtml(error)}</p></div>` : '';
}

function emailPage(uid: string, lang: Lang, error?: string, email = ''): string {
  const t = CODE_TEXT[lang];
  const action = `${OIDC_PATH}/interaction/${escapeHtml(uid)}/email`;
  return page(
    t.title,
    `
  <p>${t.intro}</p>
  <p class="hint">${t.local}</p>
  ${problemBox(lang, error)}
  <form method="post" action="${action}" class="panel">
    <div class="field"><label for="email">${t.email}</label>
      <input id="email" name="email" type="email" autocomplete="email" inputmode="email" spellcheck="false" required autofocus value="${escapeHtml(email)}"${error ? ' aria-describedby="problem"' : ''}></div>
    <button type="submit" class="button">${t.send}</button>
  </form>`,
    lang,
  );
}

function codePage(uid: string, lang: Lang, email: string, error?: string): string {
  const t = CODE_TEXT[lang];
  const base = `${OIDC_PATH}/interaction/${escapeHtml(uid)}`;
  return page(
    t.codeTitle,
    `
  <p role="status">${escapeHtml(fill(t.sent, { email }))}</p>
  ${problemBox(lang, error)}
  <form method="post" action="${base}/code" class="panel">
    <div class="field"><label for="code">${t.code}</label><p class="hint" id="code-hint">${t.codeHint}</p>
      <input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength="6" class="short" required autofocus aria-describedby="code-hint${error ? ' problem' : ''}"${error ? ' aria-invalid="true"' : ''}></div>
    <button type="submit" class="button">${t.signIn}</button>
  </form>
  <form method="post" action="${base}/email">
    <input type="hidden" name="email" value="${escapeHtml(email)}">
    <button type="submit" class="button secondary">${t.newCode}</button>
  </form>
  <p><a href="${base}">${t.otherEmail}</a></p>`,
    lang,
  );
}

function fill(template: string, vars: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => vars[name] ?? whole);
}

function loginPage(uid: string, error?: string): string {
  return page(
    'Sign in to the medreview console',
    `
  <p>Local sign-in (stands in for the program's Cognito sign-in).</p>
  ${error ? `<p class="summary" role="alert">${escapeHtml(error)}</p>` : ''}
  <form method="post" action="${OIDC_PATH}/interaction/${escapeHtml(uid)}/login" class="panel">
    <div class="field"><label for="username">Username</label>
      <input id="username" name="username" type="email" autocomplete="username" required autofocus></div>
    <div class="field"><label for="password">Password</label>
      <input id="password" name="password" type="password" autocomplete="current-password" required></div>
    <button type="submit" class="button">Sign in</button>
  </form>`,
  );
}

async function logoutSource(ctx: KoaContextWithOIDC, form: string): Promise<void> {
  ctx.type = 'html';
  const spanish = /^es\b/i.test(String(ctx.oidc.params?.ui_locales ?? ''));
  const [title, question] = spanish
    ? ['Cerrar sesión', '¿Cerrar también la sesión del inicio de sesión local?']
    : ['Sign out', 'Sign out of the local sign-in too?'];
  ctx.body = page(
    title,
    `<p>${question}</p>${form}
  <button type="submit" form="op.logoutForm" value="yes" name="logout" class="button">${title}</button>`,
    spanish ? 'es' : 'en',
  );
}

async function postLogoutSuccessSource(ctx: KoaContextWithOIDC): Promise<void> {
  ctx.type = 'html';
  ctx.body = page('Signed out', '<p>You are signed out. <a href="/console/">Sign in again</a>.</p>');
}

function page(title: string, body: string, lang: Lang = 'en'): string {
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title><link rel="icon" href="/favicon.svg" type="image/svg+xml"><link rel="stylesheet" href="/styles.css"></head>
<body><main id="main"><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;
}

function html(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Security-Policy': "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    'Cache-Control': 'no-store',
    'Referrer-Policy': 'no-referrer',
  });
  res.end(body);
}

async function readText(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 8192) break;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function sameText(a: string, b: string): boolean {
  const [x, y] = [Buffer.from(a), Buffer.from(b)];
  return x.length === y.length && timingSafeEqual(x, y);
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
