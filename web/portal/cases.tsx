import { startPortal } from './app.js';

startPortal('doctor');
