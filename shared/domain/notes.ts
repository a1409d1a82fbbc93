import * as z from '../zod.js';
import { text } from './referral.js';

/**
 * `POST /api/staff/referrals/{id}/notes`: free text like the intake's, 1..4000 characters after
 * trimming, no control characters but newline and tab.
 */
export const NoteBody = z.strictObject({ text: text(1, 4000) });
