import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { seriousA11yProblems } from '../support/axe.js';
import { useBrowser } from '../support/browser.js';

let browser!: Browser;
useBrowser((launched) => (browser = launched));

const CSS = ['web/styles.css', 'web/console/console.css'].map((f) => readFileSync(f, 'utf8')).join('\n');
const page = (button: string) =>
  `<!doctype html><html lang="en"><head><title>Queue</title><style>${CSS}</style></head><body><main><h1>Queue</h1>` +
  `<p class="status-line small muted">Updated 12:00. ${button}</p></main></body></html>`;

describe('contrast of the console text buttons on the page', () => {
  it("fails axe's undecided contrast with the header's white link button on white, and passes with the page's text button", async () => {
    const tab = await browser.newPage();
    await tab.setContent(page('<button type="button" class="link-button">Refresh now</button>'));
    expect(await seriousA11yProblems(tab)).toEqual([expect.stringMatching(/^color-contrast \(needs review\) .* 1:1 contrast ratio/)]);
    await tab.setContent(page('<button type="button" class="text-button">Refresh now</button>'));
    expect(await seriousA11yProblems(tab)).toEqual([]);
    await tab.close();
  });
});
