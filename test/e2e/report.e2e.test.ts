/**
 * The HTML report in a real browser: headless Debian chromium driven by
 * playwright-core (installs nothing; .ci/e2e installs chromium with apt-get).
 *
 * Checks: the page loads with no console error and no request other than the
 * file itself (every request is routed; anything not file:// fails the test),
 * every chart has rendered marks, no chart text sticks out of its SVG or is
 * cut with an ellipsis, the hostile scenario name renders as text and runs
 * nothing, and a full-page screenshot goes to test-output/report.png (one per
 * chart too, test-output/report-chart-<id>.png) for a person to look at.
 *
 * Uses the real results of `npm run compare -- --quick` when
 * NOLOCK_E2E_RESULTS points at a results.json; the sample results otherwise.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeReports } from '../../harness/report/index.ts';
import { readResults } from '../../harness/results/schema.ts';
import { HOSTILE_NAME, makeSampleResults } from '../helpers/sample-results.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const OUT = resolve('test-output');
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

let context: BrowserContext;
let page: Page;
let userDataDir: string;
let reportPath: string;
let hostile: boolean;
/** strategy x scenario (x sweep point) rows with a failure rate: one bar each. */
let expectedBars = 0;
/** The run measured the simulator's speed (not --no-measure). */
let measured = false;
const consoleErrors: string[] = [];
const foreignRequests: string[] = [];
const dialogs: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`no chromium at ${CHROMIUM}: run .ci/e2e (apt-get install -y chromium) or set CHROMIUM_PATH`);
  }
  mkdirSync(OUT, { recursive: true });
  const real = process.env.NOLOCK_E2E_RESULTS;
  const results = real ? readResults(real) : makeSampleResults({ hostile: true, failedRun: true });
  hostile = !real;
  measured = results.measured.length > 0;
  expectedBars = results.summary.filter((r) => r.metrics.locklessFailureRate !== undefined).length;
  const paths = await writeReports(results, join(OUT, 'e2e-reports'), { command: 'npm run test:e2e' });
  reportPath = paths.html;

  userDataDir = mkdtempSync(join(tmpdir(), 'nolock-e2e-chromium-'));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1400, height: 1000 },
    offline: true,
  });
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    if (url.startsWith('file://')) await route.continue();
    else {
      foreignRequests.push(url);
      await route.abort();
    }
  });
  page = await context.newPage();
  page.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push(msg.text());
  });
  page.on('pageerror', (err) => consoleErrors.push(String(err)));
  page.on('dialog', async (d) => {
    dialogs.push(d.message());
    await d.dismiss();
  });
  await page.goto(pathToFileURL(reportPath).href, { waitUntil: 'load' });
});

afterAll(async () => {
  await context?.close();
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
});

describe('HTML report in chromium', () => {
  it('loads with no console error, no dialog and no request but the file itself', async () => {
    await page.waitForLoadState('networkidle');
    expect(consoleErrors).toEqual([]);
    expect(dialogs).toEqual([]);
    expect(foreignRequests).toEqual([]);
  });

  it('has no script element at all', async () => {
    expect(await page.locator('script').count()).toBe(0);
  });

  it('renders marks in every chart', async () => {
    const charts = await page.$$eval('figure.chart-figure', (figs) =>
      figs.map((f) => {
        const svg = f.querySelector('svg');
        const box = svg?.getBoundingClientRect();
        return {
          id: f.id,
          width: box?.width ?? 0,
          height: box?.height ?? 0,
          marks: f.querySelectorAll('svg g.role-mark path, svg g.role-mark line, svg g.role-mark rect').length,
        };
      }),
    );
    expect(charts.map((c) => c.id)).toEqual(expect.arrayContaining(['chart-failure-rate', 'chart-fast-path-cost', 'chart-failure-vs-reserve', 'chart-violations', 'chart-timeline', ...(measured ? ['chart-simulator-speed'] : [])]));
    for (const c of charts) {
      expect(c.marks, `${c.id} marks`).toBeGreaterThan(3);
      expect(c.width, `${c.id} width`).toBeGreaterThan(200);
      expect(c.height, `${c.id} height`).toBeGreaterThan(150);
    }
  });

  it('draws a visible mark for every bar, a value of 0 too (failure rate, fast-path cost)', async () => {
    for (const id of ['chart-failure-rate', 'chart-fast-path-cost']) {
      // The value ticks: marks at least 2 px high, one per strategy x scenario (x panel).
      const visible = await page.$$eval(`#${id} svg g.role-mark path, #${id} svg g.role-mark rect`, (els) => els.filter((e) => e.getBoundingClientRect().height >= 2 && e.getBoundingClientRect().width >= 2).length);
      expect(visible, id).toBeGreaterThanOrEqual(expectedBars * (id === 'chart-fast-path-cost' ? 2 : 1));
    }
  });

  it('shows the simulator\'s own JS timings in their own section, not among the model charts', async () => {
    expect(await page.locator('#charts figure#chart-simulator-speed').count()).toBe(0);
    expect(await page.locator('#simulator-speed figure#chart-simulator-speed').count()).toBe(measured ? 1 : 0);
  });

  it('lets no table overflow the page at 1,280 and 1,024 px: a wide table scrolls in its own box', async () => {
    for (const width of [1280, 1024]) {
    await page.setViewportSize({ width, height: 900 });
    try {
      const problems = await page.$$eval('main table', (tables) =>
        tables.flatMap((t) => {
          const doc = t.ownerDocument;
          const main = doc.querySelector('main')!.getBoundingClientRect();
          const box = t.parentElement!;
          const overflow = doc.defaultView!.getComputedStyle(box).overflowX;
          const scrolls = overflow === 'auto' || overflow === 'scroll';
          const r = (scrolls ? box : t).getBoundingClientRect();
          const where = t.closest('section')?.id ?? 'header';
          return r.right > main.right + 1 ? [`${where}: a table ${scrolls ? 'box' : ''} ends at ${Math.round(r.right)} px, past main at ${Math.round(main.right)} px`] : [];
        }),
      );
      expect(problems, `at ${width} px`).toEqual([]);
      expect(await page.$eval('html', (h) => h.scrollWidth)).toBeLessThanOrEqual(width);
    } finally {
      await page.setViewportSize({ width: 1400, height: 1000 });
    }
    }
  });

  it('keeps every chart label inside its SVG and uncut', async () => {
    const problems = await page.$$eval('figure.chart-figure svg', (svgs) => {
      const out: string[] = [];
      for (const svg of svgs) {
        const s = svg.getBoundingClientRect();
        for (const t of svg.querySelectorAll('text')) {
          const text = t.textContent ?? '';
          if (text.trim() === '') continue;
          const r = t.getBoundingClientRect();
          if (r.left < s.left - 1 || r.right > s.right + 1 || r.top < s.top - 1 || r.bottom > s.bottom + 1) {
            out.push(`${svg.closest('figure')?.id}: "${text}" sticks out of the chart`);
          }
          if (text.includes('\u2026')) out.push(`${svg.closest('figure')?.id}: "${text}" is truncated`);
        }
      }
      return out;
    });
    expect(problems).toEqual([]);
  });

  it('shows the hostile scenario name as text', async () => {
    if (!hostile) return;
    const body = await page.locator('body').innerText();
    expect(body).toContain(HOSTILE_NAME);
    expect(await page.locator('img').count()).toBe(0);
    // In the summary table's heading and the verdict's, as the text itself.
    const heading = page.locator('#summary h3', { hasText: HOSTILE_NAME });
    expect(await heading.count()).toBe(2);
    expect(await page.locator('#summary h3', { hasText: `Scenario ${HOSTILE_NAME}` }).count()).toBe(1);
    expect(await page.locator('#summary h3', { hasText: `Verdict in ${HOSTILE_NAME}` }).count()).toBe(1);
  });

  it('saves a screenshot of the whole report and of each chart', async () => {
    await page.screenshot({ path: join(OUT, 'report.png'), fullPage: true });
    for (const fig of await page.$$('figure.chart-figure')) {
      const id = (await fig.getAttribute('id')) ?? 'chart';
      await fig.screenshot({ path: join(OUT, `report-${id}.png`) });
    }
    expect(existsSync(join(OUT, 'report.png'))).toBe(true);
  }, 120_000);
});
