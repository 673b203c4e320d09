import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import type { AnalysisResult, AnalysisSpec } from '../shared/specs/analysis-spec';
import { formatResultCell, resultColumns } from '../shared/format/columns';
import { resultTable } from '../shared/specs/result-table';
import { copyWorkspace, demoCopyTest, demoTemplate, expect, type Workbench } from './fixtures';

/**
 * The analysis views on a copy of the demo workspace (this file saves analyses and segments in
 * it): each view's numbers against the engine's own answer to the same spec, the users behind
 * a number, saved analyses and the CSV export.
 */
const test = demoCopyTest();

const VIEWS = [
  ['trends', 'trends'],
  ['funnels', 'funnel'],
  ['retention', 'retention'],
  ['lifecycle', 'lifecycle'],
  ['stickiness', 'stickiness'],
  ['paths', 'paths'],
  ['sessions', 'sessions'],
] as const;

/** The spec the view is showing, as the view keeps it for the next start. */
async function shownSpec(page: Page, kind: string): Promise<AnalysisSpec> {
  const text = await page.evaluate((k) => localStorage.getItem(`workbench.spec.${k}`), kind);
  return JSON.parse(text ?? 'null') as AnalysisSpec;
}

/**
 * The same spec run from the command line (`workbench run SPEC.json`) on another copy of the
 * demo workspace: the answer the grid must show.
 */
async function cliAnswer(spec: AnalysisSpec): Promise<AnalysisResult> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'workbench-cli-'));
  try {
    const workspace = path.join(dir, 'demo.duckdb');
    copyWorkspace(await demoTemplate(), workspace);
    const file = path.join(dir, 'spec.json');
    writeFileSync(file, JSON.stringify(spec));
    const root = path.resolve(import.meta.dirname, '..');
    const out = execFileSync(
      process.execPath,
      [
        path.join(root, 'bin', 'workbench.js'),
        'run',
        file,
        '--workspace',
        workspace,
        '--format',
        'json',
      ],
      { cwd: root, encoding: 'utf8', env: { ...process.env, WORKBENCH_HOME: dir } },
    );
    return JSON.parse(out) as AnalysisResult;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function engineAnswer(ws: Workbench, spec: AnalysisSpec): Promise<AnalysisResult> {
  const reply = await ws.call('analysis.run', { spec });
  if (!reply.ok) throw new Error(JSON.stringify(reply.error));
  return reply.value as AnalysisResult;
}

const rangeOf = (spec: AnalysisSpec): string =>
  'dateRange' in spec ? JSON.stringify(spec.dateRange) : '';

/** Waits until the numbers on screen answer the spec in the builder. */
async function answered(page: Page): Promise<void> {
  await expect(page.getByTestId('analysis-status')).toHaveAttribute('data-current', 'yes', {
    timeout: 30_000,
  });
}

/** The grid's text, row by row (header excluded). */
async function gridRows(page: Page): Promise<string[][]> {
  const table = page.getByRole('table', { name: 'Result' });
  return table
    .locator('tbody tr')
    .evaluateAll((rows) =>
      rows.map((r) => [...r.querySelectorAll('td')].map((td) => (td.textContent ?? '').trim())),
    );
}

for (const [view, kind] of VIEWS) {
  test(`${view}: the grid shows what \`workbench run\` answers for the spec on screen`, async ({
    ws,
    page,
  }) => {
    await page.goto(`${ws.url}#${view}`);
    await answered(page);
    // Change the question through the builder: this month of the workspace clock (1-14 March of
    // the run's pinned clock) instead of the default, the last 30 days of data.
    const before = await shownSpec(page, kind);
    await page
      .getByRole('complementary', { name: /builder/ })
      .getByRole('combobox', { name: /date range/i })
      .selectOption('month');
    await expect.poll(async () => rangeOf(await shownSpec(page, kind))).not.toBe(rangeOf(before));
    await answered(page);
    const spec = await shownSpec(page, kind);
    expect(spec.kind).toBe(kind);
    const answer = await cliAnswer(spec);
    const table = resultTable(answer);

    // Every number the chart draws is a number of the engine's answer.
    const known = new Set<number>();
    const collect = (v: unknown): void => {
      if (typeof v === 'number') known.add(v);
      else if (Array.isArray(v)) v.forEach(collect);
      else if (typeof v === 'object' && v !== null) Object.values(v).forEach(collect);
    };
    collect(answer);
    const drawn = await page
      .getByRole('table', { name: /chart data/ })
      .locator('td')
      .evaluateAll((cells) => cells.map((c) => c.textContent ?? '').filter((t) => t !== ''));
    expect(drawn.length).toBeGreaterThan(0);
    for (const n of drawn) expect(known.has(Number(n)), `chart number ${n}`).toBe(true);

    const rows = await gridRows(page);
    expect(rows.length).toBe(table.rows.length);
    expect(rows.length).toBeGreaterThan(0);
    // Every numeric cell of the first rows, in its column's format (shared/format, as the CLI's
    // table prints it), with a retention count's share of its cohort before it.
    const columns = resultColumns(answer, spec, table);
    table.rows.slice(0, 5).forEach((row, i) => {
      columns.forEach((column, index) => {
        if (typeof row[column.id] !== 'number') return;
        const { text, share } = formatResultCell(column, i, row[column.id]);
        expect(rows[i]?.[index], `${column.id} of row ${i}`).toBe(
          share === undefined ? text : `${share} ${text}`,
        );
      });
    });
    await expect(page.getByTestId('meaning')).not.toBeEmpty();
  });
}

test('funnel: a step opens its users, which save as a segment; the analysis saves and reopens; CSV equals the grid', async ({
  ws,
  page,
}) => {
  await page.goto(`${ws.url}#funnels`);
  await answered(page);
  // Build through the UI: a 7-day window.
  await page.getByLabel('Window', { exact: true }).fill('7');
  await expect(page.getByTestId('meaning')).toContainText('within 7 days');
  await answered(page);
  const spec = await shownSpec(page, 'funnel');
  expect(spec.kind === 'funnel' && spec.window.n).toBe(7);
  const result = await engineAnswer(ws, spec);
  if (result.kind !== 'funnel') throw new Error('not a funnel');
  const second = result.groups[0]?.steps[1]?.count ?? -1;

  // The second step's bar: the users behind it, as many as the bar says.
  const users = await ws.call('analysis.users', {
    spec,
    select: { kind: 'funnel', step: 2, outcome: 'converted' },
  });
  expect((users.value as { total: number }).total).toBe(second);
  const chart = page.getByRole('img', { name: 'Funnels chart' });
  const box = await chart.boundingBox();
  if (box === null) throw new Error('no chart');
  // The bars are evenly spread over the plot: the second of three sits in the middle.
  const steps = spec.kind === 'funnel' ? spec.steps.length : 3;
  const x = box.x + 56 + (box.width - 80) * (1.5 / steps);
  await page.mouse.click(x, box.y + box.height - 60);
  const panel = page.getByRole('complementary', { name: 'Users behind the number' });
  await expect(panel.getByTestId('users-total')).toContainText(second.toLocaleString('en-US'), {
    timeout: 30_000,
  });
  await panel.getByLabel('Segment name').fill('Reached step 2 (e2e)');
  await panel.getByRole('button', { name: 'Save as segment' }).click();
  await expect(panel.getByRole('status')).toContainText(
    `with ${second.toLocaleString('en-US')} users`,
  );
  const segments = (await ws.call('saved.list', { kind: 'segment' })).value as { name: string }[];
  expect(segments.map((s) => s.name)).toContain('Reached step 2 (e2e)');

  // Save, reload, reopen from the saved list.
  // The users drawer overlays the view: Escape closes it, as any overlay.
  await page.keyboard.press('Escape');
  await expect(panel).toBeHidden();
  await page.getByLabel('Analysis name').fill('Weekly report funnel');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.reload();
  await page.getByRole('button', { name: /Saved \(1\)/ }).click();
  await page
    .getByRole('dialog', { name: 'Saved analyses' })
    .getByRole('button', { name: 'Weekly report funnel' })
    .click();
  await expect(page.getByTestId('meaning')).toContainText('within 7 days');

  // CSV: exactly the grid.
  await answered(page);
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'CSV' }).click();
  const file = await (await download).path();
  const csv = readFileSync(file, 'utf8').trim().split('\n');
  const header = csv[0]?.split(',') ?? [];
  const rows = await gridRows(page);
  expect(csv.length - 1).toBe(rows.length);
  const usersColumn = header.indexOf('users');
  csv.slice(1).forEach((line, i) => {
    expect(Number(line.split(',')[usersColumn]).toLocaleString('en-US')).toBe(
      rows[i]?.[usersColumn],
    );
  });
});

// A sessions grid's first count is sessions, not users: its users are clicked in their column
// below (and the rule for each measure is tested in electron/engine/analyses/sessions/).
test('sessions: a period’s users count opens as many users behind it', async ({ ws, page }) => {
  await page.goto(`${ws.url}#sessions`);
  await answered(page);
  const table = page.getByRole('table', { name: 'Result' });
  const headers = (await table.locator('thead th').allTextContents()).map((h) => h.trim());
  const usersAt = headers.findIndex((h) => /^users$/i.test(h));
  expect(usersAt, headers.join(' | ')).toBeGreaterThanOrEqual(0);
  const rows = await gridRows(page);
  // The busiest period: a number the panel cannot match by accident.
  const counts = rows.map((r) => Number((r[usersAt] ?? '').replaceAll(',', '')));
  const busiest = counts.indexOf(Math.max(...counts));
  expect(counts[busiest]).toBeGreaterThan(1);
  const cell = table
    .locator('tbody tr')
    .nth(busiest)
    .locator('td')
    .nth(usersAt)
    .locator('button.cell-link');
  await cell.click();
  const panel = page.getByRole('complementary', { name: 'Users behind the number' });
  await expect(panel.getByTestId('users-total')).toContainText(
    `${(counts[busiest] ?? -1).toLocaleString('en-US')} users`,
    { timeout: 30_000 },
  );
});

for (const [view, kind] of VIEWS.filter(([v]) => v !== 'sessions')) {
  test(`${view}: a number's users save as a segment; the analysis saves, reopens, and exports its grid`, async ({
    ws,
    page,
  }) => {
    await page.goto(`${ws.url}#${view}`);
    await answered(page);
    const spec = await shownSpec(page, kind);

    // The first count in the grid that stands for users: the panel lists as many.
    const cell = page.getByRole('table', { name: 'Result' }).locator('button.cell-link').first();
    const text = ((await cell.textContent()) ?? '').trim();
    await cell.click();
    const panel = page.getByRole('complementary', { name: 'Users behind the number' });
    if (kind === 'paths') {
      const result = await engineAnswer(ws, spec);
      // The grid's first link: its first end, a step's event, is the first number's node.
      const source = result.kind === 'paths' ? result.links[0]?.source : undefined;
      const node = result.kind === 'paths' ? result.nodes.find((n) => n.id === source) : undefined;
      expect(text).toBe(node?.event);
      await expect(panel.getByTestId('users-total')).toContainText(
        (node?.users ?? -1).toLocaleString('en-US'),
        { timeout: 30_000 },
      );
    } else {
      await expect(panel.getByTestId('users-total')).toContainText(
        `${text.replace('-', '')} users`,
        { timeout: 30_000 },
      );
    }
    const name = `${view} segment (e2e)`;
    await panel.getByLabel('Segment name').fill(name);
    await panel.getByRole('button', { name: 'Save as segment' }).click();
    await expect(panel.getByRole('status')).toContainText('Saved');
    // The users drawer overlays the view: Escape closes it, as any overlay.
    await page.keyboard.press('Escape');
    await expect(panel).toBeHidden();
    const segments = (await ws.call('saved.list', { kind: 'segment' })).value as { name: string }[];
    expect(segments.map((s) => s.name)).toContain(name);

    // Saved, then reopened after a reload from the view's saved list.
    await page.getByLabel('Analysis name').fill(`${view} (e2e)`);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(page.getByRole('button', { name: /Saved \(\d+\)/ })).not.toHaveText('Saved (0) ▾');
    await page.reload();
    await page.getByRole('button', { name: /Saved \(\d+\)/ }).click();
    await page
      .getByRole('dialog', { name: 'Saved analyses' })
      .getByRole('button', { name: `${view} (e2e)` })
      .click();
    await answered(page);
    expect(await shownSpec(page, kind)).toEqual(spec);

    // The CSV holds exactly the grid: same rows, same first column.
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'CSV' }).click();
    const lines = readFileSync(await (await download).path(), 'utf8')
      .trim()
      .split('\n');
    const rows = await gridRows(page);
    expect(lines.length - 1).toBe(rows.length);
    expect(lines[0]?.split(',').length).toBe(rows[0]?.length);
  });
}
