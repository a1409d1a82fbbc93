import { describe, it, expect } from 'vitest';
import { defused, escapeHtml, introToDoctor, message, offerEmail, receiptEmail } from '../../shared/domain/messages.js';

const OUTCOME_URL = 'https://medreview.example/outcome/MR-7K3M9QXT#token=abc_DEF-123';
const PAGE_URL = 'https://medreview.example/referrals/#MR-7K3M9QXT';
const CASE_URL = 'https://medreview.example/cases/#MR-7K3M9QXT';

describe('messages', () => {
  describe('escapeHtml', () => {
    it('escapes the five HTML-special characters', () => {
      expect(escapeHtml(`<a href="x" title='y'>Tom & Jerry</a>`)).toBe(
        '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;Tom &amp; Jerry&lt;/a&gt;',
      );
    });

    it('leaves plain text alone', () => {
      expect(escapeHtml('MR-7K3M9QXT, urgent: ñ é')).toBe('MR-7K3M9QXT, urgent: ñ é');
    });
  });

  describe('receipt email', () => {
    it('escapes an interpolated <script> in the html part', () => {
      // Prepare
      const referralId = '<script>alert("x")</script>';

      // Act
      const email = receiptEmail({ referralId, paging: true, outcomeUrl: OUTCOME_URL, pageUrl: PAGE_URL });

      // Assess
      expect(email.html).not.toContain('<script>');
      expect(email.html).toContain('Reference: &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;.');
      expect(email.text).toContain(`Reference: ${referralId}.`);
    });

    it('cannot break out of an attribute through the reference or the link', () => {
      const email = receiptEmail({
        referralId: '"><img src=x onerror=alert(1)>',
        paging: false,
        outcomeUrl: 'https://medreview.example/outcome/x"onmouseover="alert(1)',
        pageUrl: PAGE_URL,
      });

      expect(email.html).not.toContain('<img');
      expect(email.html).not.toContain('"onmouseover');
      expect(email.html).toContain('Reference: &quot;&gt;&lt;img src=x onerror=alert(1)&gt;.');
    });

    it('links the outcome page in the html part', () => {
      const email = receiptEmail({ referralId: 'MR-7K3M9QXT', paging: false, outcomeUrl: `${OUTCOME_URL}&x=1`, pageUrl: PAGE_URL });

      expect(email.html).toContain(`<a href="${OUTCOME_URL}&amp;x=1">${OUTCOME_URL}&amp;x=1</a>`);
      expect(email.text).toContain(`report it here: ${OUTCOME_URL}&x=1`);
    });

    it("links the attorney's page at the referral", () => {
      const email = receiptEmail({ referralId: 'MR-7K3M9QXT', paging: false, outcomeUrl: OUTCOME_URL, pageUrl: PAGE_URL });

      expect(email.html).toContain(`<a href="${PAGE_URL}">${PAGE_URL}</a>`);
      expect(email.text).toContain(`on your page (sign in with this email): ${PAGE_URL}`);
    });

    it('names the referral in the subject and says doctors are paged for a case that pages', () => {
      const email = receiptEmail({ referralId: 'MR-7K3M9QXT', paging: true, outcomeUrl: OUTCOME_URL, pageUrl: PAGE_URL });

      expect(email.subject).toBe('Referral MR-7K3M9QXT received');
      expect(email.text).toContain('Volunteer doctors are being paged now.');
    });

    it('says the program reviews a case in review, and no more', () => {
      const email = receiptEmail({ referralId: 'MR-7K3M9QXT', paging: false, outcomeUrl: OUTCOME_URL, pageUrl: PAGE_URL });

      expect(email.text).toContain('The program reviews this referral');
      expect(email.text).not.toMatch(/paged|urgent|routine|held|coordinator/i);
    });
  });

  describe('submitter text is never a link', () => {
    const anchors = (html: string) => [...html.matchAll(/<a\b[^>]*href="([^"]*)"/g)].map((m) => m[1]);
    const hostile = {
      name: 'Ana Pérez https://evil.example/login',
      organization: 'Defense LLC, www.evil.example, help@evil.example, javascript:alert(1), mailto:x@evil.example',
      email: 'ana.perez@example.org',
      phone: '+15125550100',
    };

    it('defuses URLs, bare domains, addresses and schemes, and leaves names alone', () => {
      expect(defused('https://evil.example/login?x=1')).toBe('https[:]//evil[.]example/login?x=1');
      expect(defused('see www.evil.example or evil.com')).toBe('see www[.]evil[.]example or evil[.]com');
      expect(defused('help@evil.example')).toBe('help[at]evil[.]example');
      expect(defused('javascript:alert(1) mailto:x tel:+1512')).toBe('javascript[:]alert(1) mailto[:]x tel[:]+1512');
      for (const plain of ['Ana Pérez', 'Dr. J. Smith', 'Texas Detention Defense, LLC', 'Bufete S.A. de C.V.', 'Call at 10:30']) {
        expect(defused(plain)).toBe(plain);
      }
    });

    it("the doctor's introduction links nothing the attorney typed, in HTML or text: only the doctor's page at the case", () => {
      const email = introToDoctor({ referralId: 'MR-7K3M9QXT', attorney: hostile, caseUrl: CASE_URL });

      expect(anchors(email.html)).toEqual([CASE_URL]);
      for (const part of [email.text, email.html].map((p) => p.replaceAll(CASE_URL, ''))) {
        expect(part).not.toMatch(/https?:\/\/|www\.evil|evil\.example|javascript:|mailto:|@evil/);
        expect(part).toContain('https[:]//evil[.]example/login');
        expect(part).toContain('help[at]evil[.]example');
      }
      // the attorney's own address is the contact the doctor needs: verbatim in text, not linkable in HTML
      expect(email.text).toContain('Email: ana.perez@example.org.');
      expect(email.html).toContain('Email: ana[.]perez[at]example[.]org.');
      expect(email.html).not.toContain('ana.perez@example.org');
    });

    it('links only what the system passes as a link: its own pages', () => {
      const offer = offerEmail({
        referralId: 'MR-7K3M9QXT',
        urgency: 'urgent',
        specialty: 'general',
        code: '1234',
        url: 'https://medreview.example/offers/of-1#token=t',
      });
      expect(anchors(offer.html)).toEqual(['https://medreview.example/offers/of-1#token=t']);
      const plain = message('s', ['A URL in plain text https://evil.example stays text']);
      expect(anchors(plain.html)).toEqual([]);
      expect(plain.html).toContain('https://evil.example stays text');
    });
  });
});
