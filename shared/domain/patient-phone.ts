import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

/**
 * Number types that can receive an SMS, per libphonenumber's full ('max') metadata. In the US most numbers
 * are FIXED_LINE_OR_MOBILE (the plan does not tell them apart); premium-rate, toll-free, shared-cost,
 * personal and VoIP-only numbers are refused.
 */
const SMS_TYPES = new Set(['MOBILE', 'FIXED_LINE_OR_MOBILE']);

/**
 * E.164 form of a patient's phone when it is a US number that can take an SMS, else undefined.
 * Other +1 countries (Canada, the Caribbean) are refused too: the SMS protect configuration allows US
 * destinations only, so such a number could never get its reminder.
 */
export function toUsSmsPhone(input: string): string | undefined {
  const parsed = parsePhoneNumberFromString(input, 'US');
  if (!parsed?.isValid() || parsed.country !== 'US') return undefined;
  return SMS_TYPES.has(parsed.getType() ?? '') ? parsed.number : undefined;
}
