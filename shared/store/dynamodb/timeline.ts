import type { TimelineEvent } from '../../domain/types.js';
import { keys } from '../keys.js';
import type { TimelinePort } from '../port.js';
import type { Table } from './table.js';

/** A case's timeline: one item per event under the case's partition. */
export function dynamoTimeline(t: Table): TimelinePort {
  return {
    addEvent: (referralId, event) => t.put({ ...keys.event(referralId, event.at), ...event }),
    async addEventOnce(referralId, event) {
      await t.putNew({ ...keys.onceEvent(referralId, event.at, event.event), ...event });
    },
    timeline: (referralId) => t.prefix<TimelineEvent>(`REF#${referralId}`, 'EV#'),
  };
}
