import { buildWeb } from '../../web/build.js';

/** Builds web/dist once before the integration files, which start their runtimes with WEB_PREBUILT=1. */
export default async function setup(): Promise<void> {
  await buildWeb();
}
