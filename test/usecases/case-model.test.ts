import fc from 'fast-check';
import { it } from 'vitest';
import { memoryStore } from '../../shared/store/memory.js';
import { caseKinds, commands, setup } from '../support/case-model.js';

it('a case keeps its rules under random sequences of events, replays and clock moves (in-memory store)', async () => {
  await fc.assert(
    fc.asyncProperty(caseKinds, fc.commands(commands, { maxCommands: 40, size: 'max' }), async (kind, cmds) => {
      const { model, real } = await setup(memoryStore(), kind);
      await fc.asyncModelRun(() => ({ model, real }), cmds);
    }),
    { numRuns: 300 },
  );
}, 120_000);
