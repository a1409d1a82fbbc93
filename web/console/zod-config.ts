import { z } from 'zod';

// zod probes `new Function` for faster parsing, which the page's CSP (no eval) refuses and reports;
// this module is imported first so no schema is built before it.
z.config({ jitless: true });
