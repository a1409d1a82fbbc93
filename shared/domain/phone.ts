import { parsePhoneNumberFromString } from 'libphonenumber-js';

/** E.164 form of a phone number written in any common format (default region US), or undefined when invalid. */
export function toE164(input: string): string | undefined {
  const parsed = parsePhoneNumberFromString(input, 'US');
  return parsed?.isValid() ? parsed.number : undefined;
}
