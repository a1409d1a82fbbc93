/** What an inbound SMS asks for. Case, accents, punctuation and extra spaces do not matter. */
export type SmsCommand =
  | { kind: 'accept'; code?: string }
  | { kind: 'decline'; code: string }
  | { kind: 'help' }
  | { kind: 'stop' }
  | { kind: 'start' }
  | { kind: 'unknown' };

const ACCEPT = new Set(['yes', 'y', 'accept', 'si']);
const DECLINE = new Set(['no', 'n', 'decline']);
const HELP = new Set(['help', 'info', 'ayuda']);
/** The carrier opt-out and opt-in keywords (CTIA), plus Spanish. */
const STOP = new Set(['stop', 'stopall', 'unsubscribe', 'cancel', 'end', 'quit', 'optout', 'revoke', 'parar', 'alto']);
const START = new Set(['start', 'unstop', 'subscribe', 'optin']);

export function parseSms(body: string): SmsCommand {
  const words = body
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .filter(Boolean);
  if (words.length === 1) {
    const [w] = words;
    if (STOP.has(w)) return { kind: 'stop' };
    if (START.has(w)) return { kind: 'start' };
    if (HELP.has(w)) return { kind: 'help' };
    if (ACCEPT.has(w)) return { kind: 'accept' };
  }
  if (words.length === 2) {
    const [a, b] = words;
    const [word, code] = /^\d{4}$/.test(b) ? [a, b] : /^\d{4}$/.test(a) ? [b, a] : [undefined, undefined];
    if (word && code) {
      if (ACCEPT.has(word)) return { kind: 'accept', code };
      if (DECLINE.has(word)) return { kind: 'decline', code };
    }
  }
  return { kind: 'unknown' };
}
