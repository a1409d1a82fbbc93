import type * as z from '../zod.js';

export interface FieldError {
  path: string;
  message: string;
}

/** One error per bad field, named by its path; never the submitted value. */
export function fieldErrors(error: z.core.$ZodError): FieldError[] {
  const errors: FieldError[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) errors.push({ path: [...issue.path, key].join('.'), message: 'is not a known field' });
    } else {
      errors.push({ path: issue.path.join('.'), message: issue.message });
    }
  }
  const seen = new Set<string>();
  return errors.filter((e) => !seen.has(e.path) && seen.add(e.path));
}
