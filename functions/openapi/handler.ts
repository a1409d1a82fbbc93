import { json } from '../../shared/http/middleware.js';
import { openApiDocument } from './document.js';

let document: ReturnType<typeof openApiDocument> | undefined;

/** GET /api/openapi.json: built once per instance from the route table and the routes' declarations. */
export const handler = async () => json(200, (document ??= openApiDocument()));
