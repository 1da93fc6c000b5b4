/**
 * Input that reaches the report is escaped: a scenario file named
 * `<script>alert(1)</script>` (with a hostile description) goes through a real
 * compare, and its report in chromium shows the name as text, runs nothing
 * (no dialog, no script element) and loads nothing.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { compare } from '../../harness/cli/compare.ts';
import { writeReportsFor } from '../../harness/cli/reports.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const HOSTILE = '<script>alert(1)</script>';
const HOSTILE_TOO = '"><img src=x onerror=alert(2)>';
let context: BrowserContext | undefined;
let userDataDir = '';

afterAll(async () => {
  await context?.close();
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
});

describe('hostile scenario input in the report', () => {
  it('renders a scenario named <script>alert(1)</script> as text and runs nothing', async () => {
    expect(existsSync(CHROMIUM), `no chromium at ${CHROMIUM}: run .ci/e2e`).toBe(true);
    mkdirSync(resolve('test-output'), { recursive: true });
    const work = mkdtempSync(join(resolve('test-output'), 'hostile-'));
    const file = join(work, 'hostile.json');
    const builtin = JSON.parse(readFileSync('harness/workload/scenarios/steady.json', 'utf8')) as Record<string, unknown>;
    writeFileSync(file, JSON.stringify({ ...builtin, name: HOSTILE, description: `A scenario whose description holds ${HOSTILE_TOO}`, run: { durationMs: 20, seeds: [1] } }));
    const out = await compare({
      strategies: ['status-quo', 'dedicated-pool'],
      scenarioFiles: [file],
      quick: false,
      sets: [],
      jobs: 2,
      resultsDir: join(work, 'results'),
      reportsDir: join(work, 'reports'),
      json: false,
      measure: false,
      command: 'test',
      runWallLimitMs: 60_000,
    });
    expect(out.results.runs.map((r) => r.scenario)).toEqual([HOSTILE, HOSTILE]);
    const { html } = await writeReportsFor(out.results, join(work, 'reports'));
    const source = readFileSync(html, 'utf8');
    expect(source).not.toContain(HOSTILE);
    expect(source).not.toContain('<img');

    userDataDir = mkdtempSync(join(tmpdir(), 'nolock-e2e-hostile-'));
    context = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'], offline: true });
    const foreign: string[] = [];
    await context.route('**/*', async (route) => {
      if (route.request().url().startsWith('file://')) await route.continue();
      else {
        foreign.push(route.request().url());
        await route.abort();
      }
    });
    const page = await context.newPage();
    const dialogs: string[] = [];
    page.on('dialog', async (d) => {
      dialogs.push(d.message());
      await d.dismiss();
    });
    await page.goto(pathToFileURL(html).href, { waitUntil: 'load' });
    await page.waitForLoadState('networkidle');
    const body = await page.locator('body').innerText();
    expect(body).toContain(HOSTILE);
    expect(body).toContain(HOSTILE_TOO);
    expect(dialogs).toEqual([]);
    expect(foreign).toEqual([]);
    expect(await page.locator('script').count()).toBe(0);
    expect(await page.locator('img').count()).toBe(0);
    // Once over its table, once in the verdict: as text both times.
    expect(await page.locator('#summary h3', { hasText: `Scenario ${HOSTILE}` }).count()).toBe(1);
    expect(await page.locator('#summary h3', { hasText: `Verdict in ${HOSTILE}` }).count()).toBe(1);
  }, 120_000);
});
