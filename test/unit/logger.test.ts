import { afterEach, describe, expect, it, vi } from 'vitest';

/** Every line written to stdout or stderr while `run` runs, parsed as JSON where it is JSON. */
async function written(run: () => Promise<void>): Promise<Record<string, unknown>[]> {
  const lines: string[] = [];
  const capture = (chunk: unknown) => {
    lines.push(String(chunk));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  vi.spyOn(console, 'error').mockImplementation((line: unknown) => void lines.push(String(line)));
  await run();
  vi.restoreAllMocks();
  return lines
    .flatMap((l) => l.split('\n').filter(Boolean))
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
}

describe('logger', () => {
  afterEach(() => {
    vi.doUnmock('@aws-lambda-powertools/logger');
    vi.resetModules();
  });

  it('writes a structured entry through Powertools, loaded at the first call', async () => {
    const { logger } = await import('../../shared/logger.js');
    const entries = await written(() => logger.warn('wave held by the page budget', { referralId: 'MR-7K3M9QXT', wave: 2 }));
    expect(entries).toContainEqual(
      expect.objectContaining({
        level: 'WARN',
        message: 'wave held by the page budget',
        service: 'medreview',
        referralId: 'MR-7K3M9QXT',
        wave: 2,
      }),
    );
  });

  it('still writes the entry, and does not throw, when Powertools cannot load', async () => {
    vi.doMock('@aws-lambda-powertools/logger', () => {
      throw new Error('cannot load');
    });
    const { logger } = await import('../../shared/logger.js');
    const entries = await written(() => logger.error('dispatch failed', { referralId: 'MR-BBBBBBBB', errorName: 'Error' }));
    expect(entries).toEqual([{ level: 'ERROR', message: 'dispatch failed', referralId: 'MR-BBBBBBBB', errorName: 'Error' }]);
  });
});
