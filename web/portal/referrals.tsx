import { startPortal } from './app.js';

startPortal('attorney');
