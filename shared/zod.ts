import { config, NEVER, pipe, transform, type ZodMiniType } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

/**
 * Zod, as every schema of the project uses it (`import * as z from '…/zod.js'`). The schemas are built with
 * Zod Mini: the same parser as classic Zod, but a schema is a plain object (`z.optional(s)`,
 * `s.check(z.minLength(1))`) rather than one carrying the whole method-chaining API, so a function's cold
 * start neither loads nor builds that API (measured in `npm run bench`).
 *
 * - English messages, as classic Zod gives by default: a few checks (a link token's length, an email's 254
 *   characters, the roster's numbers) answer with Zod's own message in a 422.
 * - jitless: Zod's JIT writes and compiles (`new Function`) a parser per object schema at its first parse;
 *   here schemas are parsed once per cold start or built for one request (the referral schema follows the
 *   program's date), so that costs more than it saves; the pages' CSP (no eval) would refuse it too.
 */
config({ ...en(), jitless: true });

export * from 'zod/mini';

/** A string schema whose value `convert` normalizes; when `convert` gives undefined, one issue with `message`. */
export const converted = <T>(base: ZodMiniType<string, string>, convert: (value: string) => T | undefined, message: string) =>
  pipe(
    base,
    transform((value: string, ctx) => {
      const out = convert(value);
      if (out !== undefined) return out;
      ctx.issues.push({ code: 'custom', message, input: value });
      return NEVER;
    }),
  );
