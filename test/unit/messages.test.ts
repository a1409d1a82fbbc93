import { describe, it, expect } from 'vitest';
import { escapeHtml, receiptEmail } from '../../shared/domain/messages.js';

const OUTCOME_URL = 'https://medreview.example/outcome/MR-7K3M9QXT#token=abc_DEF-123';

describe('messages', () => {
  describe('escapeHtml', () => {
    it('escapes the five HTML-special characters', () => {
      expect(escapeHtml(`<a href="x" title='y'>Tom & Jerry</a>`))
        .toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;Tom &amp; Jerry&lt;/a&gt;');
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
      const email = receiptEmail({ referralId, urgency: 'urgent', outcomeUrl: OUTCOME_URL });

      // Assess
      expect(email.html).not.toContain('<script>');
      expect(email.html).toContain('Reference: &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;.');
      expect(email.text).toContain(`Reference: ${referralId}.`);
    });

    it('cannot break out of an attribute through the urgency or the link', () => {
      const email = receiptEmail({
        referralId: 'MR-7K3M9QXT',
        urgency: '"><img src=x onerror=alert(1)>',
        outcomeUrl: 'https://medreview.example/outcome/x"onmouseover="alert(1)',
      });

      expect(email.html).not.toContain('<img');
      expect(email.html).not.toContain('"onmouseover');
      expect(email.html).toContain('Triage: &quot;&gt;&lt;img src=x onerror=alert(1)&gt;.');
    });

    it('links the outcome page in the html part', () => {
      const email = receiptEmail({ referralId: 'MR-7K3M9QXT', urgency: 'routine', outcomeUrl: `${OUTCOME_URL}&x=1` });

      expect(email.html).toContain(`<a href="${OUTCOME_URL}&amp;x=1">${OUTCOME_URL}&amp;x=1</a>`);
      expect(email.text).toContain(`report it here: ${OUTCOME_URL}&x=1`);
    });

    it('names the referral in the subject and says doctors are paged for an urgent case', () => {
      const email = receiptEmail({ referralId: 'MR-7K3M9QXT', urgency: 'urgent', outcomeUrl: OUTCOME_URL });

      expect(email.subject).toBe('Referral MR-7K3M9QXT received');
      expect(email.text).toContain('Triage: urgent.');
      expect(email.text).toContain('Volunteer doctors are being paged now.');
    });

    it('says a doctor will review a routine case', () => {
      const email = receiptEmail({ referralId: 'MR-7K3M9QXT', urgency: 'routine', outcomeUrl: OUTCOME_URL });

      expect(email.text).toContain('A volunteer doctor will review the request.');
      expect(email.text).not.toContain('paged');
    });
  });
});
