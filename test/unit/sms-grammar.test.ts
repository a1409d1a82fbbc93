import { describe, it, expect } from 'vitest';
import { parseSms, type SmsCommand } from '../../shared/domain/sms-grammar.js';

describe('inbound SMS grammar', () => {
  describe('accepting an offer', () => {
    it.each(['YES 4821', 'Y 4821', 'ACCEPT 4821', 'SI 4821', 'SÍ 4821', '4821 YES'])('reads %j as accepting offer 4821', (text) => {
      // Act
      const command = parseSms(text);

      // Assess
      expect(command).toEqual<SmsCommand>({ kind: 'accept', code: '4821' });
    });

    it.each([
      'yes 4821',
      'Yes 4821',
      'sí 4821',
      'Si 4821',
      'YES, 4821',
      'YES 4821!',
      'yes #4821.',
      '"YES 4821"',
      'YES-4821',
      '  YES   4821  ',
      'YES\n4821',
      '\tY 4821 ',
      '4821, yes!',
      '4821 accept',
    ])('ignores case, accents, punctuation and extra spaces in %j', (text) => {
      expect(parseSms(text)).toEqual<SmsCommand>({ kind: 'accept', code: '4821' });
    });

    it('keeps a code with leading zeros as written', () => {
      expect(parseSms('YES 0042')).toEqual<SmsCommand>({ kind: 'accept', code: '0042' });
    });

    it.each(['YES', 'yes', 'Yes!', '  YES. '])('reads a bare %j as accepting without a code', (text) => {
      expect(parseSms(text)).toEqual<SmsCommand>({ kind: 'accept' });
    });
  });

  describe('declining an offer', () => {
    it.each(['NO 4821', 'N 4821', 'DECLINE 4821', 'no, 4821', '4821 NO', '  decline   4821. '])(
      'reads %j as declining offer 4821',
      (text) => {
        expect(parseSms(text)).toEqual<SmsCommand>({ kind: 'decline', code: '4821' });
      },
    );
  });

  describe('help', () => {
    it.each(['HELP', 'help', 'Help?', ' HELP '])('reads %j as asking for help', (text) => {
      expect(parseSms(text)).toEqual<SmsCommand>({ kind: 'help' });
    });
  });

  describe('opting out', () => {
    it.each(['STOP', 'stop', 'Stop.', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT'])('reads %j as an opt-out', (text) => {
      expect(parseSms(text)).toEqual<SmsCommand>({ kind: 'stop' });
    });
  });

  describe('anything else', () => {
    it.each([
      '',
      '   ',
      '!!!',
      'hello',
      'maybe',
      '4821',
      'NO',
      'YES 482',
      'YES 48210',
      'YES 4821 4822',
      'YES please 4821',
      'yes I can take 4821',
      'MAYBE 4821',
      'STOP 4821',
      'HELP 4821',
    ])('reads %j as unknown', (text) => {
      expect(parseSms(text)).toEqual<SmsCommand>({ kind: 'unknown' });
    });
  });
});
