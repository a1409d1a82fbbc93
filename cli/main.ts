import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { documentClient } from '../shared/store/dynamo.js';
import { createDynamoStore } from '../shared/store/dynamodb/store.js';
import type { StorePort } from '../shared/store/port.js';
import { checkClinics, importClinics } from '../shared/usecases/clinics.js';
import { checkRoster, importRoster } from '../shared/usecases/roster.js';
import { listTrusted, trustSubmitter, trustTarget, untrustSubmitter } from '../shared/usecases/trust.js';
import { systemClock, type Clock } from '../shared/ports.js';
import { LOCAL_CREDENTIALS } from '../local/dynamo.js';

const USAGE = `usage:
  medreview roster import FILE   validate a roster document and replace the stored roster (nothing changes when any entry is bad)
  medreview roster check         coverage gaps (no active primary on shift for a specialty) in the next 14 days
                                 and doctors with no usable channel
  medreview clinics import FILE  validate a clinic directory ({"clinics": [...]}) and replace the stored one
                                 (nothing changes when any clinic is bad, e.g. an unknown ZIP code)
  medreview clinics check        the stored directory: how many clinics, and any that no longer validate
  medreview submitters trust ADDRESS|@DOMAIN     approve an attorney (or a whole domain): their referrals page doctors
  medreview submitters untrust ADDRESS|@DOMAIN   take it off the approved list
  medreview submitters list                      the trusted list

options:
  --table NAME       the deployed table (default: $MEDREVIEW_TABLE; see the stack output TableName)
  --endpoint URL     a DynamoDB endpoint other than AWS (e.g. DynamoDB Local)
  --days N           how far ahead roster check looks, in calendar days (default 14)
  --time-zone TZ     the program's time zone for those days (default: $PROGRAM_TIME_ZONE, else America/Chicago)

AWS credentials and region come from the usual AWS environment (profile, AWS_REGION).
exit codes: 0 ok, 1 roster or clinics check found problems, 2 invalid input`;

/** Runs a command; returns the exit code. */
export async function main(argv: string[], out = console.log, err = console.error): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      table: { type: 'string' },
      endpoint: { type: 'string' },
      days: { type: 'string', default: '14' },
      'time-zone': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  const [group, command, file] = positionals;
  const known =
    group === 'roster' || group === 'clinics' ? ['import', 'check'] : group === 'submitters' ? ['trust', 'untrust', 'list'] : [];
  if (values.help || !known.includes(command ?? '')) {
    (values.help ? out : err)(USAGE);
    return values.help ? 0 : 2;
  }
  const table = values.table ?? process.env.MEDREVIEW_TABLE;
  if (!table) {
    err('the table is unknown: pass --table NAME or set MEDREVIEW_TABLE (the stack output TableName)');
    return 2;
  }
  const local = values.endpoint
    ? {
        endpoint: values.endpoint,
        region: process.env.AWS_REGION ?? 'us-east-1',
        ...(process.env.AWS_ACCESS_KEY_ID ? {} : { credentials: LOCAL_CREDENTIALS }),
      }
    : {};
  const store = createDynamoStore(documentClient(new DynamoDBClient(local)), table);
  if (group === 'submitters') return submitters(command!, file, { store, clock: systemClock }, out, err);

  if (group === 'clinics') return clinics(command!, file, store, out, err);

  if (command === 'import') {
    const document = await readDocument('roster', file, err);
    if (document === undefined) return 2;
    const result = await importRoster(document, store);
    if (!result.ok) return invalid('the roster', result.errors, err);
    out(`imported ${result.doctors} doctors, ${result.coordinators} coordinators, ${result.shifts} shifts`);
    return 0;
  }

  const days = Number(values.days);
  if (!Number.isInteger(days) || days < 1 || days > 90) {
    err('--days must be a whole number from 1 to 90');
    return 2;
  }
  const timeZone = values['time-zone'] ?? process.env.PROGRAM_TIME_ZONE ?? 'America/Chicago';
  if (!isTimeZone(timeZone)) {
    err('--time-zone must be an IANA time zone such as America/Chicago');
    return 2;
  }
  const report = await checkRoster(store, new Date(), days, timeZone);
  for (const gap of report.gaps) out(`gap: no primary on shift for ${gap.specialty} from ${gap.start} to ${gap.end}`);
  for (const id of report.unreachable) out(`unreachable: doctor ${id} has no usable SMS number or email address`);
  if (report.gaps.length === 0 && report.unreachable.length === 0)
    out(`ok: a primary is on shift for all of the next ${days} days and every active doctor is reachable`);
  return report.gaps.length || report.unreachable.length ? 1 : 0;
}

/** Reads a JSON document named on the command line; undefined (and a message) when it cannot. */
async function readDocument(what: string, file: string | undefined, err: (s: string) => void): Promise<unknown> {
  if (!file) {
    err(`${what} import needs a FILE`);
    return undefined;
  }
  try {
    return JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    err(`cannot read ${file} as JSON: ${(error as Error).message}`);
    return undefined;
  }
}

/** Lists every error of a refused import; exit code 2. */
function invalid(what: string, errors: { path: string; message: string }[], err: (s: string) => void): number {
  err(`${what} has ${errors.length} error(s); nothing was changed:`);
  for (const e of errors) err(`  ${e.path}: ${e.message}`);
  return 2;
}

/** `clinics import FILE` and `clinics check`. */
async function clinics(command: string, file: string | undefined, store: StorePort, out: (s: string) => void, err: (s: string) => void) {
  if (command === 'import') {
    const document = await readDocument('clinics', file, err);
    if (document === undefined) return 2;
    const result = await importClinics(document, store);
    if (!result.ok) return invalid('the clinic directory', result.errors, err);
    out(`imported ${result.clinics} clinics (${result.active} active)`);
    return 0;
  }
  const report = await checkClinics(store);
  for (const e of report.errors) out(`invalid: ${e.path}: ${e.message}`);
  if (report.active === 0) out('no active clinic: released patients cannot be matched to a clinic');
  if (report.errors.length === 0 && report.active > 0) out(`ok: ${report.clinics} clinics, ${report.active} active`);
  return report.errors.length || report.active === 0 ? 1 : 0;
}

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

const ADMIN = `admin:${process.env.USER ?? 'cli'}`;
const ENTRY = /^(@?([a-z0-9-]+\.)+[a-z]{2,}|[^@\s]+@([a-z0-9-]+\.)+[a-z]{2,})$/i;

/** `submitters trust|untrust ADDRESS|@DOMAIN` and `submitters list`. */
async function submitters(
  command: string,
  value: string | undefined,
  p: { store: StorePort; clock: Clock },
  out: (s: string) => void,
  err: (s: string) => void,
): Promise<number> {
  if (command === 'list') {
    const items = await listTrusted(p);
    for (const i of items) out(`${i.email ?? `@${i.domain}`}\tadded ${i.addedAt} by ${i.addedBy}`);
    if (items.length === 0) out('the trusted list is empty');
    return 0;
  }
  if (!value || !ENTRY.test(value)) {
    err(`submitters ${command} needs an email address or @domain`);
    return 2;
  }
  const target = trustTarget(value);
  const shown = 'email' in target ? target.email : `@${target.domain}`;
  if (command === 'trust') {
    await trustSubmitter(target, ADMIN, p);
    out(`trusted: ${shown}`);
  } else {
    await untrustSubmitter(target, p);
    out(`no longer trusted: ${shown}`);
  }
  return 0;
}
