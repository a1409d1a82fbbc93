import { describe, it, expect } from 'vitest';
import { fieldErrors, isHoneypotFilled, referralSchema, type FieldError } from '../../shared/domain/referral.js';
import { releaseSchema } from '../../shared/domain/reminders.js';
import { TODAY, validReferral, withField, withoutField } from '../fixtures/referral.js';

const schema = referralSchema(TODAY);

/** The 422 `errors` list the API would answer for `body` ([] when valid). */
function errorsFor(body: unknown): FieldError[] {
  const result = schema.safeParse(body);
  return result.success ? [] : fieldErrors(result.error);
}

const pathsFor = (body: unknown): string[] => errorsFor(body).map((e) => e.path);

/** Parses `body` and returns the referral; fails the test with the error paths when invalid. */
function parse(body: unknown) {
  const result = schema.safeParse(body);
  if (!result.success) throw new Error(`expected a valid referral, got errors at ${pathsFor(body).join(', ')}`);
  return result.data;
}

/** The body with one field set (any value, any type). */
const bodyWith = (path: string, value: unknown) => withField(validReferral(), path, value);

describe('referral schema', () => {
  describe('a complete referral', () => {
    it('is accepted with no errors', () => {
      // Prepare
      const body = validReferral();

      // Act
      const errors = errorsFor(body);

      // Assess
      expect(errors).toEqual([]);
    });

    it('is accepted with only the required fields', () => {
      const optional = [
        'attorney.organization',
        'attorney.barNumber',
        'attorney.barState',
        'custody.fieldOffice',
        'custody.detainedSince',
        'medical.riskFactors',
        'medical.medications',
        'request.specialty',
      ];
      const body = optional.reduce<unknown>((b, path) => withoutField(b, path), validReferral());

      const referral = parse(body);

      expect(referral.attorney).not.toHaveProperty('organization');
      expect(referral.custody).not.toHaveProperty('detainedSince');
      expect(referral.medical.riskFactors).toEqual([]);
      expect(referral.request.specialty).toBe('general');
    });
  });

  describe('required fields', () => {
    const REQUIRED = [
      'attorney.name',
      'attorney.phone',
      'attorney.g28Filed',
      'client.givenName',
      'client.familyName',
      'client.aNumber',
      'client.dateOfBirth',
      'client.countryOfBirth',
      'client.language',
      'client.interpreterNeeded',
      'custody.facilityName',
      'custody.facilityState',
      'medical.concern',
      'medical.attorneyUrgency',
      'request.services',
      'consent.releaseOfInformation',
    ];

    it.each(REQUIRED)('reports a missing %s under its own path', (path) => {
      const body = withoutField(validReferral(), path);

      const errors = errorsFor(body);

      expect(errors).toEqual([{ path, message: 'is required' }]);
    });

    it('leaves attorney.email to the sign-in: the body may omit it', () => {
      expect(errorsFor(withoutField(validReferral(), 'attorney.email'))).toEqual([]);
    });

    it.each(['attorney', 'client', 'custody', 'medical', 'request', 'consent'])('reports a missing %s section', (section) => {
      const body = withoutField(validReferral(), section);

      const errors = errorsFor(body);

      expect(errors).toEqual([{ path: section, message: 'is required' }]);
    });

    it('reports every missing field at once, one error per field', () => {
      const body = withoutField(withoutField(withoutField(validReferral(), 'attorney.name'), 'client.aNumber'), 'request.services');

      const paths = pathsFor(body);

      expect(paths).toEqual(['attorney.name', 'client.aNumber', 'request.services']);
    });

    it.each([null, [], 'a referral', 42])('rejects a body that is not an object (%j)', (body) => {
      const errors = errorsFor(body);

      expect(errors).toEqual([{ path: '', message: 'the body must be a JSON object' }]);
    });
  });

  describe('unknown fields', () => {
    it('rejects an unknown top-level field and names it', () => {
      const body = { ...validReferral(), priority: 'high' };

      const errors = errorsFor(body);

      expect(errors).toEqual([{ path: 'priority', message: 'is not a known field' }]);
    });

    it.each(['attorney.fax', 'client.nickname', 'custody.cell', 'medical.diagnosis', 'request.notes', 'consent.signedBy'])(
      'rejects the unknown nested field %s and names its path',
      (path) => {
        const body = bodyWith(path, 'x');

        const errors = errorsFor(body);

        expect(errors).toEqual([{ path, message: 'is not a known field' }]);
      },
    );

    it('rejects __proto__ and constructor keys of a parsed JSON body as unknown fields', () => {
      const json = JSON.stringify(validReferral())
        .replace('{"attorney"', '{"__proto__":{"admin":true},"constructor":1,"attorney"')
        .replace('"givenName"', '"__proto__":{"admin":true},"givenName"');
      const body: unknown = JSON.parse(json);

      const paths = pathsFor(body);

      expect(paths.sort()).toEqual(['__proto__', 'client.__proto__', 'constructor']);
    });

    it('lists unknown fields alongside the other errors', () => {
      const body = withField(bodyWith('client.nickname', 'Mari'), 'client.aNumber', '12');

      const paths = pathsFor(body);

      expect(paths.sort()).toEqual(['client.aNumber', 'client.nickname']);
    });
  });

  describe('A-number', () => {
    it.each([
      ['A 123-456-78', '012345678'],
      ['a123456789', '123456789'],
      ['A123456789', '123456789'],
      ['12345678', '012345678'],
      ['123-456-789', '123456789'],
      ['  A-123 456 789  ', '123456789'],
    ])('normalizes %j to %s', (input, stored) => {
      const body = bodyWith('client.aNumber', input);

      const referral = parse(body);

      expect(referral.client.aNumber).toBe(stored);
    });

    it.each([
      ['7 digits', '1234567'],
      ['10 digits', '1234567890'],
      ['A and 7 digits', 'A1234567'],
      ['letters among digits', 'A12345678B'],
      ['a letter other than A', 'B12345678'],
      ['two leading As', 'AA12345678'],
      ['an empty string', ''],
      ['a number instead of text', 123456789],
    ])('rejects %s', (_, input) => {
      const body = bodyWith('client.aNumber', input);

      const paths = pathsFor(body);

      expect(paths).toEqual(['client.aNumber']);
    });
  });

  describe('phone numbers', () => {
    it.each([
      ['(512) 555-0101', '+15125550101'],
      ['512-555-0101', '+15125550101'],
      ['512.555.0101', '+15125550101'],
      ['+1 512 555 0101', '+15125550101'],
      ['+52 55 1234 5678', '+525512345678'],
    ])('normalizes %j to E.164 %s', (input, e164) => {
      const body = bodyWith('attorney.phone', input);

      const referral = parse(body);

      expect(referral.attorney.phone).toBe(e164);
    });

    it.each(['call me', '12345', '555-0101', '+1 555 555 5555', 'phone', ''])('rejects %j', (input) => {
      const body = bodyWith('attorney.phone', input);

      const paths = pathsFor(body);

      expect(paths).toEqual(['attorney.phone']);
    });
  });

  describe('dates', () => {
    it('rejects 2026-02-29, which does not exist', () => {
      const paths = pathsFor(bodyWith('client.dateOfBirth', '2026-02-29'));

      expect(paths).toEqual(['client.dateOfBirth']);
    });

    it('accepts the leap day 2028-02-29 as a deadline', () => {
      const referral = parse(bodyWith('request.deadline', '2028-02-29'));

      expect(referral.request.deadline).toBe('2028-02-29');
    });

    it.each(['2026-04-31', '15/05/1990', '1990-5-2', '1990-05-02T00:00:00Z', ''])('rejects the malformed date %j', (value) => {
      const paths = pathsFor(bodyWith('client.dateOfBirth', value));

      expect(paths).toEqual(['client.dateOfBirth']);
    });

    it('accepts a date of birth today', () => {
      expect(pathsFor(bodyWith('client.dateOfBirth', TODAY))).toEqual([]);
    });

    it('rejects a date of birth in the future', () => {
      const errors = errorsFor(bodyWith('client.dateOfBirth', '2026-05-16'));

      expect(errors).toEqual([{ path: 'client.dateOfBirth', message: 'must not be in the future' }]);
    });

    it('accepts a date of birth exactly 120 years ago', () => {
      expect(pathsFor(bodyWith('client.dateOfBirth', '1906-05-15'))).toEqual([]);
    });

    it('rejects a date of birth one day more than 120 years ago', () => {
      const errors = errorsFor(bodyWith('client.dateOfBirth', '1906-05-14'));

      expect(errors).toEqual([{ path: 'client.dateOfBirth', message: 'must be at most 120 years ago' }]);
    });

    it('accepts a deadline today', () => {
      expect(parse(bodyWith('request.deadline', TODAY)).request.deadline).toBe(TODAY);
    });

    it('rejects a deadline yesterday', () => {
      const errors = errorsFor(bodyWith('request.deadline', '2026-05-14'));

      expect(errors).toEqual([{ path: 'request.deadline', message: 'must be today or later' }]);
    });

    it('accepts detention since today', () => {
      expect(pathsFor(bodyWith('custody.detainedSince', TODAY))).toEqual([]);
    });

    it('rejects detention since tomorrow', () => {
      const errors = errorsFor(bodyWith('custody.detainedSince', '2026-05-16'));

      expect(errors).toEqual([{ path: 'custody.detainedSince', message: 'must not be in the future' }]);
    });

    it('follows the today it was built for', () => {
      const tomorrowsSchema = referralSchema('2026-05-16');

      const result = tomorrowsSchema.safeParse(bodyWith('custody.detainedSince', '2026-05-16'));

      expect(result.success).toBe(true);
    });
  });

  describe('country of birth', () => {
    it.each(['HN', 'GT', 'SV', 'MX', 'HT', 'VE', 'CN'])('accepts %s', (code) => {
      expect(parse(bodyWith('client.countryOfBirth', code)).client.countryOfBirth).toBe(code);
    });

    it.each(['XX', 'hn', 'HND', 'H', 'Honduras', 'UK', ''])('rejects %j', (code) => {
      expect(pathsFor(bodyWith('client.countryOfBirth', code))).toEqual(['client.countryOfBirth']);
    });
  });

  describe('language', () => {
    it.each(['es', 'ht', 'quc', 'es-MX', 'zh-Hant', 'mam'])('accepts the tag %s', (tag) => {
      expect(parse(bodyWith('client.language', tag)).client.language).toBe(tag);
    });

    it.each(['ES', 'e', 'english', 'es_MX', 'es-', '-es', 'es MX', ''])('rejects %j', (tag) => {
      expect(pathsFor(bodyWith('client.language', tag))).toEqual(['client.language']);
    });
  });

  describe('US state codes', () => {
    it.each(['TX', 'CA', 'DC', 'PR'])('accepts the facility state %s', (state) => {
      expect(parse(bodyWith('custody.facilityState', state)).custody.facilityState).toBe(state);
    });

    it.each(['tx', 'XX', 'Texas', 'MX', ''])('rejects the facility state %j', (state) => {
      expect(pathsFor(bodyWith('custody.facilityState', state))).toEqual(['custody.facilityState']);
    });

    it('checks the optional bar state the same way', () => {
      expect(pathsFor(bodyWith('attorney.barState', 'ZZ'))).toEqual(['attorney.barState']);
    });
  });

  describe('risk factors', () => {
    it('keeps the listed factors', () => {
      const referral = parse(bodyWith('medical.riskFactors', ['pregnancy', 'diabetes']));

      expect(referral.medical.riskFactors).toEqual(['pregnancy', 'diabetes']);
    });

    it('rejects a repeated factor', () => {
      const errors = errorsFor(bodyWith('medical.riskFactors', ['pregnancy', 'pregnancy']));

      expect(errors).toEqual([{ path: 'medical.riskFactors', message: 'must not repeat a risk factor' }]);
    });

    it('rejects a factor that is not on the list, naming its position', () => {
      const paths = pathsFor(bodyWith('medical.riskFactors', ['pregnancy', 'covid']));

      expect(paths).toEqual(['medical.riskFactors.1']);
    });

    it('rejects a single string instead of a list', () => {
      expect(pathsFor(bodyWith('medical.riskFactors', 'pregnancy'))).toEqual(['medical.riskFactors']);
    });
  });

  describe('services', () => {
    it('keeps every listed service', () => {
      const services = ['record_review', 'declaration', 'psychological_evaluation', 'physical_evaluation', 'release_planning'];

      expect(parse(bodyWith('request.services', services)).request.services).toEqual(services);
    });

    it('rejects an empty list', () => {
      const errors = errorsFor(bodyWith('request.services', []));

      expect(errors).toEqual([{ path: 'request.services', message: 'must name at least one service' }]);
    });

    it('rejects a repeated service', () => {
      expect(pathsFor(bodyWith('request.services', ['declaration', 'declaration']))).toEqual(['request.services']);
    });

    it('rejects a service that is not on the list', () => {
      expect(pathsFor(bodyWith('request.services', ['surgery']))).toEqual(['request.services.0']);
    });
  });

  describe('specialty', () => {
    it("defaults to 'general'", () => {
      const referral = parse(withoutField(validReferral(), 'request.specialty'));

      expect(referral.request.specialty).toBe('general');
    });

    it('keeps a requested specialty', () => {
      expect(parse(bodyWith('request.specialty', 'obstetrics')).request.specialty).toBe('obstetrics');
    });

    it('rejects a specialty that is not on the list', () => {
      expect(pathsFor(bodyWith('request.specialty', 'cardiology'))).toEqual(['request.specialty']);
    });
  });

  describe('consent', () => {
    it.each([false, 'true', 1, null])('rejects releaseOfInformation %j: it must be exactly true', (value) => {
      expect(pathsFor(bodyWith('consent.releaseOfInformation', value))).toEqual(['consent.releaseOfInformation']);
    });
  });

  describe('other field types', () => {
    it.each([
      ['attorney.g28Filed', 'yes'],
      ['client.interpreterNeeded', 'no'],
      ['medical.attorneyUrgency', 'asap'],
      ['attorney.email', 'ana.perez.example.org'],
      ['attorney.name', 42],
    ])('rejects %s = %j', (path, value) => {
      expect(pathsFor(bodyWith(path, value))).toEqual([path]);
    });
  });

  describe('text lengths', () => {
    it('rejects a concern of 9 characters', () => {
      const errors = errorsFor(bodyWith('medical.concern', '123456789'));

      expect(errors).toEqual([{ path: 'medical.concern', message: 'must be at least 10 characters' }]);
    });

    it('accepts a concern of 10 characters', () => {
      expect(parse(bodyWith('medical.concern', '1234567890')).medical.concern).toBe('1234567890');
    });

    it('accepts a concern of 4000 characters', () => {
      expect(pathsFor(bodyWith('medical.concern', 'x'.repeat(4000)))).toEqual([]);
    });

    it('rejects a concern of 4001 characters', () => {
      const errors = errorsFor(bodyWith('medical.concern', 'x'.repeat(4001)));

      expect(errors).toEqual([{ path: 'medical.concern', message: 'must be at most 4000 characters' }]);
    });

    it('does not count surrounding spaces towards the minimum', () => {
      expect(pathsFor(bodyWith('medical.concern', `   ${'x'.repeat(9)}   `))).toEqual(['medical.concern']);
    });

    it.each([
      ['attorney.name', 120],
      ['attorney.organization', 160],
      ['attorney.barNumber', 40],
      ['client.givenName', 80],
      ['client.familyName', 80],
      ['custody.facilityName', 160],
      ['custody.fieldOffice', 80],
      ['medical.medications', 2000],
    ])('accepts %s up to %i characters and rejects one more', (path, max) => {
      expect(pathsFor(bodyWith(path, 'x'.repeat(max)))).toEqual([]);
      expect(pathsFor(bodyWith(path, 'x'.repeat(max + 1)))).toEqual([path]);
    });

    it.each(['attorney.name', 'client.givenName', 'client.familyName', 'custody.facilityName'])('rejects a blank %s', (path) => {
      expect(errorsFor(bodyWith(path, '   '))).toEqual([{ path, message: 'is required' }]);
    });
  });

  describe('error messages', () => {
    it('never contain a submitted value', () => {
      // Prepare: every field carries a distinctive value that makes it invalid
      const body = validReferral();
      const invalid: Record<string, unknown> = {
        'attorney.name': `Zelmira ${'Q'.repeat(130)}`,
        'attorney.email': 'zelmira@@example',
        'attorney.phone': 'zelmira 9876',
        'attorney.barState': 'ZELMIRA',
        'client.givenName': `Zelmira${'q'.repeat(80)}`,
        'client.aNumber': 'A98765432Z',
        'client.dateOfBirth': '2099-09-09',
        'client.countryOfBirth': 'ZELMIRA',
        'client.language': 'Zelmira',
        'custody.facilityState': 'ZELMIRA',
        'custody.detainedSince': '2099-09-09',
        'medical.concern': 'Zelmira',
        'medical.riskFactors': ['zelmira'],
        'medical.attorneyUrgency': 'zelmira',
        'request.services': ['zelmira'],
        'request.specialty': 'zelmira',
        'request.deadline': '1999-09-09',
        'consent.releaseOfInformation': 'zelmira',
        'client.zelmira': 'zelmira-secret',
      };
      const submitted = Object.entries(invalid).reduce<unknown>((b, [path, value]) => withField(b, path, value), body);

      // Act
      const errors = errorsFor(submitted);

      // Assess: every bad field is named (so the check below is not vacuous), no value leaks into a message
      expect(errors.map((e) => e.path).sort()).toEqual([
        'attorney.barState',
        'attorney.email',
        'attorney.name',
        'attorney.phone',
        'client.aNumber',
        'client.countryOfBirth',
        'client.dateOfBirth',
        'client.givenName',
        'client.language',
        'client.zelmira',
        'consent.releaseOfInformation',
        'custody.detainedSince',
        'custody.facilityState',
        'medical.attorneyUrgency',
        'medical.concern',
        'medical.riskFactors.0',
        'request.deadline',
        'request.services.0',
        'request.specialty',
      ]);
      const messages = errors.map((e) => e.message).join('\n');
      expect(messages).not.toMatch(/zelmira/i);
      expect(messages).not.toMatch(/98765|9876|2099|1999/);
      expect(JSON.stringify(errors)).not.toContain('zelmira-secret');
    });
  });

  describe('honeypot', () => {
    it('accepts the website field in the schema', () => {
      expect(pathsFor({ ...validReferral(), website: '' })).toEqual([]);
    });

    it.each([
      ['filled in', 'http://spam.example', true],
      ['empty', '', false],
      ['only spaces (people never see the field)', '   ', true],
      ['missing', undefined, false],
    ])('is %s → %s', (_, website, filled) => {
      expect(isHoneypotFilled({ ...validReferral(), website })).toBe(filled);
    });
  });

  describe('control characters in free text', () => {
    const FREE_TEXT = [
      'attorney.name',
      'attorney.organization',
      'attorney.barNumber',
      'client.givenName',
      'client.familyName',
      'custody.facilityName',
      'custody.fieldOffice',
      'medical.concern',
      'medical.medications',
    ];

    it.each(FREE_TEXT)('%s refuses NUL, BEL, ESC, VT, FF, a lone CR, DEL and C1 controls (even trailing)', (path) => {
      for (const c of ['\u0000', '\u0007', '\u001b', '\u000b', '\u000c', '\r', '\u007f', '\u0085', '\u009b']) {
        expect(errorsFor(withField(validReferral(), path, `Some text here${c}`)), JSON.stringify(c)).toEqual([
          { path, message: 'must not contain control characters (only line breaks and tabs)' },
        ]);
      }
    });

    it('keeps newline and tab, and other Unicode text, but not a CRLF line break', () => {
      expect(pathsFor(withField(validReferral(), 'medical.concern', 'Line one\r\nline two'))).toEqual(['medical.concern']);
      const concern = 'Line one\tindented\nline two: ñ, é, 中文, emoji 🙂';
      expect(parse(withField(validReferral(), 'medical.concern', concern)).medical.concern).toBe(concern);
    });

    it('refuses a control character hidden in a phone number', () => {
      expect(pathsFor(withField(validReferral(), 'attorney.phone', '(512) 555-0100\u0000'))).toEqual(['attorney.phone']);
    });
  });

  describe('release patient phone', () => {
    const release = (patientPhone: string) =>
      releaseSchema(TODAY).safeParse({ releasedOn: TODAY, state: 'TX', patientPhone, patientLanguage: 'es', smsConsent: true });

    it.each(['(512) 555-0150', '+1 212 555 0100', '512.867.5309'])('accepts the US number %s in E.164', (phone) => {
      const parsed = release(phone);
      expect(parsed.success && parsed.data.patientPhone).toMatch(/^\+1\d{10}$/);
    });

    it.each([
      '+44 909 879 0879',
      '+1 900 555 0100',
      '+1 800 555 0100',
      '+1 877 555 0100',
      '+1 416 555 0100',
      '+1 787 555 0100',
      '+52 55 1234 5678',
      '12345',
    ])('refuses %s at patientPhone', (phone) => {
      const parsed = release(phone);
      expect(parsed.success).toBe(false);
      expect(parsed.error && fieldErrors(parsed.error).map((e) => e.path)).toEqual(['patientPhone']);
    });
  });
});
