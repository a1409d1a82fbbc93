import { json } from '../../shared/http/middleware.js';

/** GET /api/health */
export const handler = async () => json(200, { status: 'ok' });
