import { describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { LocalRuntime } from '../../local/runtime.js';
import { demoClinics } from '../../local/demo-clinics.js';
import { axeFindings, expectNoSeriousA11yViolations } from '../support/axe.js';
import { useBrowser } from '../support/browser.js';
import { useTestRuntime } from '../support/runtime.js';
import {
  chicagoDate,
  clockNow,
  putRoster,
  shiftAround,
  ANA,
  COORDINATORS,
  smsTo,
  outbox,
  staffCall,
  submit,
  trust,
  FIXTURE_DOMAIN,
} from '../integration/helpers.js';

let rt!: LocalRuntime;
let browser!: Browser;
useTestRuntime((started) => (rt = started));
useBrowser((launched) => (browser = launched));

const slow = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 15_000 });

async function signIn(page: Page): Promise<void> {
  await page.goto(rt.console.url);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/oidc\/interaction\//);
  await page.getByLabel('Username').fill(rt.console.coordinator.username);
  await page.getByLabel('Password').fill(rt.console.coordinator.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${rt.url}/console/#/`);
}

/** axe-core's serious and critical findings within one part of the page (the rest of the case file is tested elsewhere). */
async function seriousIn(page: Page, selector: string): Promise<string[]> {
  await axeFindings(page); // loads axe-core into the page
  return page.evaluate(async (within) => {
    const axe = (
      window as unknown as { axe: { run: (ctx: string, o: unknown) => Promise<{ violations: { id: string; impact: string }[] }> } }
    ).axe;
    const { violations } = await axe.run(within, { resultTypes: ['violations'] });
    return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id);
  }, selector);
}

describe('care after release in the console', () => {
  it('imports a clinic directory after a preview of every error, then hands a released patient over from a phone', async () => {
    await putRoster(rt, { doctors: [ANA], coordinators: COORDINATORS, shifts: [shiftAround(await clockNow(rt), 'd-ana')] });
    await trust(rt, { domain: FIXTURE_DOMAIN });
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, timezoneId: 'America/Chicago', locale: 'en-US' });
    const page = await context.newPage();
    await signIn(page);

    // the directory page: a bad file lists every error and offers no import; a good one imports
    await page.getByRole('link', { name: 'Clinics' }).click();
    await page.getByText('The directory is empty').waitFor();
    const [first] = demoClinics().clinics as unknown as { address: Record<string, string> }[];
    const bad = { clinics: [{ ...first, address: { ...first!.address, zip: '00000' } }, { id: 'x' }] };
    await page.setInputFiles('#clinic-file', { name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(bad)) });
    await page.locator('#clinic-import-errors').waitFor();
    const listed = await page.locator('#clinic-import-errors li').allTextContents();
    expect(listed).toContain('clinics.0.address.zip is not a known US ZIP code');
    expect(listed.length).toBeGreaterThan(5);
    expect(await page.getByRole('button', { name: 'Import directory' }).count()).toBe(0);
    await expectNoSeriousA11yViolations(page, 'clinic import errors');
    await page.setInputFiles('#clinic-file', {
      name: 'demo.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(demoClinics())),
    });
    await slow(() => page.locator('#clinic-import-preview').textContent()).toContain('9 clinics, 8 active');
    await page.getByRole('button', { name: 'Import directory' }).click();
    await page.locator('#clinic-table').waitFor();
    expect(await page.locator('#clinic-table tbody tr').count()).toBe(9);
    await expectNoSeriousA11yViolations(page, 'clinic directory');

    // a released case: where the patient goes, the ranked clinics, the handoff
    const id = await submit(rt);
    const release = {
      releasedOn: chicagoDate(await clockNow(rt)),
      state: 'TX',
      patientPhone: '+15125550150',
      patientLanguage: 'es',
      smsConsent: true,
    };
    expect((await staffCall(rt, 'POST', `/api/staff/referrals/${id}/release`, release)).status).toBe(200);
    await page.goto(`${rt.url}/console/#/case/${id}`);
    await page.locator('#care-zip').fill('78741');
    await page.getByLabel('prenatal').check();
    await page.getByRole('button', { name: 'Save and find clinics' }).click();
    await page.locator('#care-clinics').waitFor();
    const names = await page.locator('#care-clinics h3').allTextContents();
    expect(names.map((n) => n.split(' ·')[0])).toEqual(['Riverside Community Health Center']);
    expect(await seriousIn(page, '#care'), 'axe on care after release with ranked clinics').toEqual([]);
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Hand over to this clinic' }).click();
    await slow(() => page.locator('#care-notice').textContent()).toContain('Handed over to Riverside Community Health Center.');
    await slow(() => page.locator('#care-handoff').textContent()).toContain('Riverside Community Health Center');
    expect(smsTo(await outbox(rt), '+15125550150').at(-1)?.body).toContain('Su clínica: Riverside Community Health Center');
    await context.close();
  });
});
