import Provider, { type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createLocalJWKSet, exportJWK, generateKeyPair, type JWTVerifyGetKey } from 'jose';

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
}

/**
 * A real OpenID Connect provider (oidc-provider) mounted under `/oidc` of the local server, standing in for
 * Cognito's managed login: authorization code with PKCE for the console, ID tokens carrying `cognito:groups`
 * like Cognito's, a plain username/password page, and RP-initiated sign-out.
 */
export async function startLocalOidc(baseUrl: string): Promise<LocalOidc> {
  const issuer = `${baseUrl}${OIDC_PATH}`;
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const privateJwk = { ...(await exportJWK(privateKey)), kid: 'local-1', alg: 'RS256', use: 'sig' };
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = privateJwk;

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
    ],
    jwks: { keys: [privateJwk as never] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    pkce: { required: () => true },
    // the console calls the token endpoint from its own page, which is this server's origin
    clientBasedCORS: (_ctx, origin) => origin === baseUrl,
    // Like Cognito's ID token: the groups and the email are in it, which the staff API reads.
    claims: { openid: ['sub', 'cognito:groups'], email: ['email', 'email_verified'] },
    conformIdTokenClaims: false,
    ttl: { IdToken: 3600, AccessToken: 3600, AuthorizationCode: 60, Interaction: 600, Session: 8 * 3600, Grant: 8 * 3600 },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: { enabled: true, logoutSource, postLogoutSuccessSource },
    },
    interactions: { url: (_ctx, interaction) => `${OIDC_PATH}/interaction/${interaction.uid}` },
    async findAccount(_ctx, sub) {
      const account = DEMO_ACCOUNTS.find((a) => a.username === sub);
      if (!account) return undefined;
      return {
        accountId: sub,
        claims: async () => ({ sub, email: account.username, email_verified: true, 'cognito:groups': account.groups }),
      };
    },
    // A first-party client: no consent screen; the console gets the scopes it asks for.
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

  async function interaction(req: IncomingMessage, res: ServerResponse, uid: string, login: boolean): Promise<void> {
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== uid) throw new Error('interaction mismatch');
    if (!login) return html(res, 200, loginPage(uid));
    const form = new URLSearchParams(await readText(req));
    const account = DEMO_ACCOUNTS.find((a) => a.username === form.get('username')?.trim().toLowerCase());
    if (!account || !sameText(account.password, form.get('password') ?? '')) {
      return html(res, 401, loginPage(uid, 'The username or password is not right.'));
    }
    await provider.interactionFinished(req, res, { login: { accountId: account.username } }, { mergeWithLastSubmission: false });
  }

  return {
    issuer,
    clientId: CONSOLE_CLIENT_ID,
    jwks: createLocalJWKSet({ keys: [publicJwk as never] }),
    handle(req, res) {
      const original = req.url ?? '/';
      const path = original.slice(OIDC_PATH.length) || '/';
      const step = /^\/interaction\/([\w-]+)(\/login)?$/.exec(path.split('?')[0]);
      if (step) {
        const login = Boolean(step[2]);
        if (login !== (req.method === 'POST')) return html(res, 405, page('Not allowed', '<p>Use the sign-in form.</p>'));
        interaction(req, res, step[1], login).catch(() => {
          if (!res.headersSent)
            html(res, 400, page('Sign-in expired', `<p>This sign-in has expired. <a href="/console/">Start again</a>.</p>`));
        });
        return;
      }
      // oidc-provider reads its mount path from originalUrl and routes on url
      Object.assign(req, { originalUrl: original, url: path });
      void callback(req, res);
    },
  };
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
  ctx.body = page(
    'Sign out',
    `<p>Sign out of the local sign-in too?</p>${form}
  <button type="submit" form="op.logoutForm" value="yes" name="logout" class="button">Sign out</button>`,
  );
}

async function postLogoutSuccessSource(ctx: KoaContextWithOIDC): Promise<void> {
  ctx.type = 'html';
  ctx.body = page('Signed out', '<p>You are signed out. <a href="/console/">Sign in again</a>.</p>');
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
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
