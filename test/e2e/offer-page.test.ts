import { describe, it, expect } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.js';
import type { Browser } from 'playwright-core';
import { expectNoSeriousA11yViolations } from '../support/axe.js';
import { useBrowser } from '../support/browser.js';
import { call, useTestRuntime, attorneyCall } from '../support/runtime.js';
import { trust } from '../integration/helpers.js';

let rt!: LocalRuntime;
let browser!: Browser;
useTestRuntime((started) => (rt = started));
useBrowser((launched) => (browser = launched));

const DOCTOR_PHONE = '+15125550101';

/** A roster with one doctor on a primary shift around the app's clock, and one urgent referral; returns the offer link. */
async function pageOneDoctor(): Promise<string> {
  const { json: clock } = await call(rt, 'GET', '/_local/clock');
  const now = new Date(clock.now).getTime();
  const roster = await call(rt, 'PUT', '/_local/roster', {
    doctors: [
      {
        id: 'd-ana',
        name: 'Dr. Ana Ruiz',
        email: 'ana@example.org',
        phone: DOCTOR_PHONE,
        specialties: ['general', 'obstetrics'],
        languages: ['en', 'es'],
        timeZone: 'America/Chicago',
        maxOpenCases: 3,
        active: true,
      },
    ],
    coordinators: [{ id: 'c-lee', name: 'Lee Park', email: 'lee@example.org', phone: '+15125550199' }],
    shifts: [
      { doctorId: 'd-ana', role: 'primary', start: new Date(now - 3600_000).toISOString(), end: new Date(now + 86_400_000).toISOString() },
    ],
  });
  expect(roster.status).toBeLessThan(300);
  // only a trusted submitter's urgent referral pages doctors
  await trust(rt, { domain: 'example.org' });
  const referral = await attorneyCall(
    rt,
    'POST',
    '/api/referrals',
    {
      attorney: { name: 'Ann Lee', email: 'ann@example.org', phone: '512-555-0100', g28Filed: true },
      client: {
        givenName: 'María',
        familyName: 'López',
        aNumber: 'A012345678',
        dateOfBirth: '1990-04-02',
        countryOfBirth: 'HN',
        language: 'es',
        interpreterNeeded: true,
      },
      custody: { facilityName: 'South Texas ICE Processing Center', facilityState: 'TX' },
      medical: { concern: 'Thirty weeks pregnant with no prenatal care.', riskFactors: ['pregnancy'], attorneyUrgency: 'urgent' },
      request: { services: ['declaration'], specialty: 'obstetrics' },
      consent: { releaseOfInformation: true },
    },
    { 'idempotency-key': crypto.randomUUID() },
  );
  expect(referral.status).toBe(201);
  await call(rt, 'POST', '/_local/settle');
  const { json: outbox } = await call(rt, 'GET', '/_local/outbox');
  const sms = (outbox.sms as { to: string; body: string }[]).find((m) => m.to === DOCTOR_PHONE && m.body.includes('/offers/'));
  const link = sms?.body.match(/https?:\/\/\S+\/offers\/[^\s#]+#token=[A-Za-z0-9_-]+/)?.[0];
  expect(link).toBeDefined();
  return link!;
}

describe('offer page', () => {
  it('shows the case without PHI, hides the token, and accepts only on a tap', async () => {
    const link = await pageOneDoctor();
    const offerPath = new URL(link).pathname;
    const page = await browser.newPage();
    await page.goto(`${rt.url}${offerPath}${new URL(link).hash}`);

    await page.locator('#offer').waitFor({ state: 'visible', timeout: 15_000 });
    expect(page.url()).not.toContain('token=');
    expect(await page.locator('#f-urgency').textContent()).toBe('Urgent');
    expect(await page.locator('#f-reasons').textContent()).toContain('Risk: pregnancy');
    expect(await page.locator('#f-specialty').textContent()).toBe('Obstetrics');
    expect(await page.locator('#f-state').textContent()).toContain('Open');
    const text = await page.locator('main').textContent();
    for (const phi of ['María', 'López', '012345678', '1990', 'South Texas', 'prenatal']) expect(text).not.toContain(phi);

    await expectNoSeriousA11yViolations(page, 'the offer page');
    await page.getByRole('button', { name: 'Accept this case' }).click();
    const message = page.locator('#message');
    await expect.poll(() => message.textContent()).toContain('You have the case');
    expect(await message.textContent()).toContain('Check your email');
    expect(await page.getByRole('button', { name: 'Accept this case' }).isVisible()).toBe(false);
    await expectNoSeriousA11yViolations(page, 'the offer page after accepting');

    await page.close();

    // The same offer with a wrong token is refused; without a token nothing is asked at all.
    for (const [hash, expected] of [
      ['#token=not-the-right-token', 'This link is not valid'],
      ['', 'This link is incomplete'],
    ]) {
      const other = await browser.newPage();
      await other.goto(`${rt.url}${offerPath}${hash}`);
      await expect.poll(() => other.locator('#message').textContent()).toContain(expected);
      expect(await other.locator('#offer').isVisible()).toBe(false);
      await expectNoSeriousA11yViolations(other, `the offer page with ${hash ? 'a wrong' : 'no'} token`);
      await other.close();
    }
  }, 60_000);
});
