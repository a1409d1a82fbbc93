import type { TimerEvent } from '../../shared/ports.js';
import { wire } from '../../shared/deps.js';
import { sesEmail } from '../../shared/email/ses.js';
import { eventBridgeScheduler } from '../../shared/scheduler/eventbridge.js';
import { endUserMessagingSms } from '../../shared/sms/end-user-messaging.js';
import { dynamoStore } from '../../shared/store/dynamo.js';
import { parseCheckInStep } from '../../shared/domain/check-ins.js';
import { sendCheckIn } from '../../shared/usecases/care.js';
import { runWave } from '../../shared/usecases/paging.js';
import { sendReminder } from '../../shared/usecases/release.js';
import { sendDigest } from '../../shared/usecases/trust.js';
import { ports } from './ports.js';

const deps = wire(ports, { store: dynamoStore, email: sesEmail, sms: endUserMessagingSms, scheduler: eventBridgeScheduler });

/** The EventBridge Scheduler target: a paging wave, a follow-up reminder, a check-in after a handoff or the coordinators' digest falls due. */
export async function handler(event: TimerEvent): Promise<void> {
  if (event.kind === 'wave') await runWave(event.referralId, event.wave, deps());
  else if (event.kind === 'digest') await sendDigest(deps());
  else if (parseCheckInStep(event.step)) await sendCheckIn(event.referralId, event.step, deps());
  else await sendReminder(event.referralId, event.step, deps());
}
