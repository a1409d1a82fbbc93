import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Reminder } from '../../domain/types.js';
import { keys } from '../keys.js';
import type { ReminderPort } from '../port.js';
import type { Table } from './table.js';

/** A released case's follow-up reminders, one item per step under the case's partition. */
export function dynamoReminders(t: Table): ReminderPort {
  return {
    async putReminder(reminder) {
      return (await t.putNew({ ...keys.reminder(reminder.referralId, reminder.step), ...reminder })) ? 'created' : 'exists';
    },
    reminders: (referralId) => t.prefix<Reminder>(`REF#${referralId}`, 'REM#'),
    markReminder: (referralId, step, from, to) =>
      t.ifCondition(() =>
        t.db.send(
          new UpdateCommand({
            TableName: t.name,
            Key: keys.reminder(referralId, step),
            UpdateExpression: 'SET #s = :to',
            ConditionExpression: '#s = :from',
            ExpressionAttributeNames: { '#s': 'state' },
            ExpressionAttributeValues: { ':to': to, ':from': from },
          }),
        ),
      ),
  };
}
