/**
 * How many SMS segments a text takes. GSM-7 (the GSM 03.38 default alphabet) packs 160 characters in
 * one segment and 153 in each of several (a user data header takes the rest); a character of its
 * extension table (`^{}\[~]|€` and form feed) takes two septets and is never split across segments. A
 * text with any other character is sent as UCS-2: 70 UTF-16 code units in one segment, 67 in each of
 * several, a surrogate pair never split.
 */
const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXTENDED = '^{}\\[~]|€\f';
const BASIC = new Set(GSM_BASIC);
const EXTENDED = new Set(GSM_EXTENDED);

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export function smsEncoding(text: string): SmsEncoding {
  for (const c of text) if (!BASIC.has(c) && !EXTENDED.has(c)) return 'UCS-2';
  return 'GSM-7';
}

export function smsSegments(text: string): { encoding: SmsEncoding; segments: number } {
  const encoding = smsEncoding(text);
  // units of each character: septets in GSM-7, UTF-16 code units in UCS-2
  const units = [...text].map((c) => (encoding === 'GSM-7' ? (EXTENDED.has(c) ? 2 : 1) : c.length));
  const [single, multi] = encoding === 'GSM-7' ? [160, 153] : [70, 67];
  const total = units.reduce((a, b) => a + b, 0);
  if (total === 0) return { encoding, segments: 0 };
  if (total <= single) return { encoding, segments: 1 };
  let segments = 1;
  let used = 0;
  for (const u of units) {
    if (used + u > multi) {
      segments++;
      used = 0;
    }
    used += u;
  }
  return { encoding, segments };
}
