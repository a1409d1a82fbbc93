import { afterEach, describe, expect, it } from 'vitest';
import { config, resetConfig } from '../../shared/config.js';

const deployed = {
  TABLE_NAME: 'cases',
  IDEMPOTENCY_TABLE_NAME: 'idempotency',
  BASE_URL: 'https://cases.example.org',
  MAIL_FROM: 'cases@example.org',
};

describe('config', () => {
  afterEach(resetConfig);

  it('reads what a deploy sets and falls back on the defaults for the rest', () => {
    expect(config({ ...deployed, WAVE_MINUTES: '10', SES_CONFIGURATION_SET: 'events' })).toEqual({
      ...deployed,
      PROGRAM_TIME_ZONE: 'America/Chicago',
      SES_CONFIGURATION_SET: 'events',
      SMS_ORIGINATION_IDENTITY: undefined,
      SMS_CONFIGURATION_SET: undefined,
      SCHEDULE_GROUP: 'default',
      SCHEDULE_TARGET_ARN: '',
      SCHEDULER_ROLE_ARN: '',
      SCHEDULE_DLQ_ARN: undefined,
      WAVE_MINUTES: 10,
      OFFER_TOKEN_DAYS: 3,
      URGENT_PER_SUBMITTER_PER_DAY: 3,
      URGENT_PER_DOMAIN_PER_DAY: 10,
      ROUTINE_PER_SUBMITTER_PER_DAY: 20,
      PAGE_BUDGET_PER_HOUR: 40,
      DOCUMENTS_BUCKET: undefined,
      DOCUMENT_RETENTION_DAYS: 30,
      A_NUMBER_KEY_ID: undefined,
      AWS_ENDPOINT_URL_DYNAMODB: undefined,
    });
  });

  it('is read once per process', () => {
    const first = config(deployed);
    expect(config({ ...deployed, WAVE_MINUTES: '99' })).toBe(first);
  });

  it('fails with the name of every missing or invalid variable, never a value', () => {
    const bad = {
      IDEMPOTENCY_TABLE_NAME: '',
      BASE_URL: 'cases.example.org',
      MAIL_FROM: 'secret-value',
      WAVE_MINUTES: '0',
      OFFER_TOKEN_DAYS: '2.5',
      SCHEDULE_GROUP: 'medreview',
      PAGE_BUDGET_PER_HOUR: 'many',
      URGENT_PER_SUBMITTER_PER_DAY: '',
    };
    expect(() => config(bad)).toThrow(
      new Error(
        'invalid configuration: TABLE_NAME, IDEMPOTENCY_TABLE_NAME, BASE_URL, MAIL_FROM, WAVE_MINUTES, OFFER_TOKEN_DAYS, URGENT_PER_SUBMITTER_PER_DAY, PAGE_BUDGET_PER_HOUR',
      ),
    );
    expect(() => config({ ...deployed, WAVE_MINUTES: '-5' })).toThrow('invalid configuration: WAVE_MINUTES');
    expect(() => config({ ...deployed, WAVE_MINUTES: '9'.repeat(400) })).toThrow('invalid configuration: WAVE_MINUTES');
  });

  it('reads numbers and addresses the way a shell or a hand-edited file may write them', () => {
    const read = config({
      ...deployed,
      BASE_URL: ' https://cases.example.org\n',
      MAIL_FROM: 'cases@example.org ',
      WAVE_MINUTES: ' 15',
      OFFER_TOKEN_DAYS: '3.0',
    });
    expect(read).toMatchObject({
      BASE_URL: 'https://cases.example.org',
      MAIL_FROM: 'cases@example.org',
      WAVE_MINUTES: 15,
      OFFER_TOKEN_DAYS: 3,
    });
  });
});
