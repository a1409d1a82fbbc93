import type { TimerEvent } from '../../shared/ports.js';
import { deps } from '../../shared/deps.js';
import { runWave } from '../../shared/usecases/paging.js';
import { sendReminder } from '../../shared/usecases/release.js';

/** The EventBridge Scheduler target: a paging wave or a follow-up reminder falls due. */
export async function handler(event: TimerEvent): Promise<void> {
  if (event.kind === 'wave') await runWave(event.referralId, event.wave, deps());
  else await sendReminder(event.referralId, event.step, deps());
}
