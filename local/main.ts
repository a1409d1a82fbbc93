import { spawnSync } from 'node:child_process';
import { startLocal } from './runtime.js';

/** `npm start`: the whole system on this machine. */
function javaMajor(): number | undefined {
  const out = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (out.error || out.status !== 0) return undefined;
  const match = /version "(\d+)(?:\.(\d+))?/.exec(out.stderr + out.stdout);
  if (!match) return undefined;
  return match[1] === '1' ? Number(match[2]) : Number(match[1]);
}

const java = javaMajor();
if (!java || java < 17) {
  console.error(
    `DynamoDB Local needs Java 17 or newer (${java ? `found Java ${java}` : 'no java found'}).\n` +
      'On Debian or Ubuntu: sudo apt-get update && sudo apt-get install -y default-jre-headless\n' +
      '(any Java runtime 17+ works), then run npm start again.',
  );
  process.exit(1);
}

const started = Date.now();
// LOCAL_DATA_DIR: where the data is kept (default .local/data)
const runtime = await startLocal({
  port: Number(process.env.PORT ?? 3000),
  seedDemo: true,
  dataDir: process.env.LOCAL_DATA_DIR || undefined,
});
console.log(`
medreview is running locally (${((Date.now() - started) / 1000).toFixed(1)} s)

  intake form   ${runtime.url}/
  attorneys     ${runtime.url}/referrals/  (their referrals, documents and outcome; sign in with the emailed code)
  doctors       ${runtime.url}/cases/  (the cases a roster doctor accepted, e.g. ana@example.org)
  console       ${runtime.console.url}  (sign in as ${runtime.console.coordinator.username}, password ${runtime.console.coordinator.password})
  mail inbox    ${runtime.sesUrl}/
  outbox (JSON) ${runtime.url}/_local/outbox
  documents S3  ${runtime.s3.endpoint}/${runtime.s3.bucket}
  health        ${runtime.url}/api/health

Demo roster (loaded when the roster is empty): doctors on call +15125550101 and +15125550102, backup
+15125550103, coordinator +15125550199. Submit an urgent referral; the first one from a new email address
waits until you open the verification email in the mail inbox and confirm. Then answer a page as a doctor:
  curl -s ${runtime.url}/_local/sms/inbound -H 'content-type: application/json' -d '{"from":"+15125550101","body":"YES <code>"}'

Data is kept in .local/ (POST ${runtime.url}/_local/reset empties it). Ctrl-C stops everything.
`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping…');
    await runtime.stop();
    process.exit(0);
  });
}
