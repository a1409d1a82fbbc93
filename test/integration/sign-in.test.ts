import { decodeJwt } from 'jose';
import { beforeEach, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.js';
import { freshANumber, validReferral } from '../fixtures/referral.js';
import { call, useTestRuntime } from '../support/runtime.js';
import { codesSentTo, HttpSignIn, latestCode } from '../support/sign-in.js';
import { advance } from './helpers.js';

/** The local attorney sign-in (external pool): an emailed 6-digit code, and the limits that bound it. */

let rt!: LocalRuntime;
useTestRuntime((started) => (rt = started));

beforeEach(async () => {
  expect((await call(rt, 'POST', '/_local/reset')).status).toBe(200);
});

/** Signs `email` in end to end and returns the ID token's claims and the token. */
async function signIn(email: string): Promise<{ token: string; claims: Record<string, unknown> }> {
  const browser = new HttpSignIn(rt);
  expect((await browser.start()).status).toBe(200);
  expect((await browser.askCode(email)).status).toBe(200);
  const back = await browser.sendCode(await latestCode(rt, email.toLowerCase()));
  const { id_token } = await browser.tokens(back.url);
  return { token: id_token, claims: decodeJwt(id_token) };
}

describe('attorney sign-in with an emailed code', () => {
  it('serves the site its sign-in configuration, and the provider knows the external client', async () => {
    const config = await call(rt, 'GET', '/auth/config.json');
    expect(config.status).toBe(200);
    expect(config.json).toEqual({ authority: `${rt.url}/oidc`, clientId: 'medreview-external' });
    const discovery = await call(rt, 'GET', '/oidc/.well-known/openid-configuration');
    expect(discovery.json.code_challenge_methods_supported).toContain('S256');
  });

  it('mails a code to the local inbox; the code signs in with a verified, lower-cased email and a stable sub; the intake takes the token', async () => {
    const browser = new HttpSignIn(rt);
    const first = await browser.start();
    expect(first.html).toContain('Sign in with your email');
    expect(first.html).toContain('<html lang="en">');
    const asked = await browser.askCode('Ana.Signin@Example.org');
    expect(asked.status).toBe(200);
    expect(asked.html).toContain('We sent a 6-digit code to ana.signin@example.org');

    const { json: outbox } = await call(rt, 'GET', '/_local/outbox');
    const mail = outbox.email.find((m: { to: string[] }) => m.to.includes('ana.signin@example.org'));
    expect(mail.subject).toBe('Your medreview sign-in code');
    expect(mail.text).toMatch(/^Your sign-in code is \d{6}\. It expires in 10 minutes\./);

    const back = await browser.sendCode(await latestCode(rt, 'ana.signin@example.org'));
    expect(back.url).toMatch(new RegExp(`^${rt.url}/\\?code=`));
    const { id_token } = await browser.tokens(back.url);
    const claims = decodeJwt(id_token);
    expect(claims).toMatchObject({
      email: 'ana.signin@example.org',
      email_verified: true,
      aud: 'medreview-external',
      iss: `${rt.url}/oidc`,
    });
    expect(claims.sub).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(claims['cognito:groups']).toBeUndefined();

    const referral = validReferral({ attorney: { email: 'ana.signin@example.org' }, client: { aNumber: freshANumber() } });
    expect((await call(rt, 'POST', '/api/referrals', referral)).status).toBe(401);
    const accepted = await call(rt, 'POST', '/api/referrals', referral, { authorization: `Bearer ${id_token}` });
    expect(accepted.status, accepted.text).toBe(201);
    // an attorney's token is not a coordinator's
    expect((await call(rt, 'GET', '/api/staff/referrals', undefined, { authorization: `Bearer ${id_token}` })).status).toBe(401);

    await advance(rt, 1);
    expect((await signIn('ana.signin@example.org')).claims.sub).toBe(claims.sub);
    expect((await signIn('other.signin@example.org')).claims.sub).not.toBe(claims.sub);
  });

  it('shows its pages in Spanish when the form asks for it, and mails the code in Spanish', async () => {
    const browser = new HttpSignIn(rt);
    const first = await browser.start('es');
    expect(first.html).toContain('<html lang="es">');
    expect(first.html).toContain('Inicie sesión con su correo electrónico');
    const asked = await browser.askCode('lucia@example.org');
    expect(asked.html).toContain('Enviamos un código de 6 dígitos a lucia@example.org');
    const mail = (await call(rt, 'GET', '/_local/outbox')).json.email[0];
    expect(mail.subject).toBe('Su código para iniciar sesión en medreview');
    const wrong = await browser.sendCode('000000' === (await latestCode(rt, 'lucia@example.org')) ? '111111' : '000000');
    expect(wrong.html).toContain('Ese código no es correcto. Le quedan 4 intentos.');
  });

  it('mails an address at most 1 code a minute and 10 an hour, counting +tags as the address', async () => {
    const browser = new HttpSignIn(rt);
    await browser.start();
    expect((await browser.askCode('busy@example.org')).status).toBe(200);
    const again = await browser.askCode('busy@example.org');
    expect(again.status).toBe(429);
    expect(again.html).toContain('less than a minute ago');
    expect((await browser.askCode('Busy+1@example.org')).status).toBe(429);
    expect(await codesSentTo(rt, 'busy@example.org')).toBe(1);

    for (let n = 2; n <= 10; n++) {
      await advance(rt, 1);
      expect((await browser.askCode('busy@example.org')).status, `code ${n}`).toBe(200);
    }
    await advance(rt, 1);
    const eleventh = await browser.askCode('busy@example.org');
    expect(eleventh.status).toBe(429);
    expect(eleventh.html).toContain('10 codes in the last hour');
    // another sign-in attempt (another browser) is held to the same count
    const other = new HttpSignIn(rt);
    await other.start();
    expect((await other.askCode('busy+x@example.org')).status).toBe(429);
    expect(await codesSentTo(rt, 'busy@example.org')).toBe(10);
    expect((await browser.askCode('someone.else@example.org')).status).toBe(200);

    await advance(rt, 51); // the first code is an hour old now
    expect((await browser.askCode('busy@example.org')).status).toBe(200);
  });

  it('ends the attempt on the 5th wrong code: the right code then fails too, and a new code starts again', async () => {
    const browser = new HttpSignIn(rt);
    await browser.start();
    await browser.askCode('guess@example.org');
    const right = await latestCode(rt, 'guess@example.org');
    const wrong = String((Number(right) + 1) % 1_000_000).padStart(6, '0');
    for (let n = 1; n <= 4; n++) {
      const answer = await browser.sendCode(wrong);
      expect(answer.status).toBe(401);
      expect(answer.html).toContain(n === 4 ? 'That code is not right. 1 try left.' : `That code is not right. ${5 - n} tries left.`);
    }
    const fifth = await browser.sendCode(wrong);
    expect(fifth.status).toBe(401);
    expect(fifth.html).toContain('this sign-in attempt has ended');
    expect(fifth.html).toContain('name="email"'); // back at the address step

    const late = await browser.sendCode(right);
    expect(late.status).toBe(401);
    expect(late.html).toContain('Ask for a code first');

    await advance(rt, 1);
    expect((await browser.askCode('guess@example.org')).status).toBe(200);
    const fresh = await latestCode(rt, 'guess@example.org');
    const back = await browser.sendCode(fresh);
    expect(decodeJwt((await browser.tokens(back.url)).id_token).email).toBe('guess@example.org');
  });

  it('refuses a code older than 10 minutes', async () => {
    const browser = new HttpSignIn(rt);
    await browser.start();
    await browser.askCode('slow@example.org');
    const code = await latestCode(rt, 'slow@example.org');
    await advance(rt, 10);
    const answer = await browser.sendCode(code);
    expect(answer.status).toBe(401);
    expect(answer.html).toContain('That code has expired');
  });

  it("keeps the pools apart: a coordinator's session does not sign anyone in to the attorneys' client", async () => {
    const staff = new HttpSignIn(rt, 'medreview-console', `${rt.url}/console/callback`);
    expect((await staff.start()).html).toContain('Password');
    const back = await staff.login(rt.console.coordinator.username, rt.console.coordinator.password);
    expect(back.url).toMatch(/\/console\/callback\?code=/);

    const attorney = new HttpSignIn(rt, 'medreview-external', `${rt.url}/`, staff.cookies);
    const page = await attorney.start();
    expect(page.status).toBe(200);
    expect(page.html).toContain('Sign in with your email');
  });
});
