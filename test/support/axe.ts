import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeFinding {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

interface AxeResult {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; any: { message: string }[]; svgText?: boolean }[];
}

/**
 * Runs axe-core (WCAG 2.x A and AA rules plus best practices) on the page as it is now: its violations,
 * and the color-contrast checks it could not decide ("needs review": e.g. a background it cannot see
 * through, or text over a pseudo-element), each named `color-contrast (needs review)` with axe's reason. The source is evaluated through
 * the DevTools protocol, which the pages' CSP (no inline script) does not apply to.
 */
export async function axeFindings(page: Page): Promise<AxeFinding[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  const { violations, incomplete } = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: unknown) => Promise<unknown> } }).axe;
    const out = (await axe.run(document, { resultTypes: ['violations', 'incomplete'] })) as {
      violations: AxeResult[];
      incomplete: AxeResult[];
    };
    for (const r of out.incomplete) {
      for (const n of r.nodes) n.svgText = n.target.length === 1 && document.querySelector(n.target[0]) instanceof SVGTextElement;
    }
    return out;
  });
  // Left out: text inside an SVG chart, which axe never decides (the svg is an image node to it), and
  // text covered by another element (an open list box over the field below it), which nobody reads
  // there; the covering element is checked itself. Every other undecided contrast fails.
  const covered = (n: AxeResult['nodes'][number]) => n.any.some((a) => /overlapped by another element/.test(a.message));
  const undecided = incomplete
    .filter((r) => r.id === 'color-contrast')
    .map((r) => ({ ...r, nodes: r.nodes.filter((n) => !n.svgText && !covered(n)) }))
    .filter((r) => r.nodes.length > 0)
    .map((r) => ({
      id: 'color-contrast (needs review)',
      impact: 'serious',
      help: r.help,
      targets: r.nodes.map((n) => `${n.target.join(' ')}: ${n.any.map((a) => a.message).join('; ')}`),
    }));
  return [
    ...violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) })),
    ...undecided,
  ];
}

/** The serious and critical findings, one line each (rule, impact, elements). */
export async function seriousA11yProblems(page: Page): Promise<string[]> {
  return (await axeFindings(page))
    .filter((f) => f.impact === 'serious' || f.impact === 'critical')
    .map((f) => `${f.id} (${f.impact}) at ${f.targets.join(', ')}`);
}

/** Fails with the rule and the elements when axe finds a serious or critical violation, or a contrast it could not decide. */
export async function expectNoSeriousA11yViolations(page: Page, state: string): Promise<void> {
  expect(await seriousA11yProblems(page), `axe on ${state}`).toEqual([]);
}
