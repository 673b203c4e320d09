import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { formatAs } from '../shared/format/columns';
import type { AnalysisSpec } from '../shared/specs/analysis-spec';
import { funnelSpecSchema } from '../shared/specs/funnel';
import { metricColumnKind, type MetricsResult } from '../shared/specs/metrics';
import type { ThresholdsResult } from '../shared/specs/thresholds';
import { demoCopyTest, expect } from './fixtures';
import { settle, shooter } from './shots';

/**
 * Metrics & Thresholds on a copy of the demo workspace (this file saves a segment in it): the
 * per-user grid against the engine's table, its CSV against the grid, and a benchmark's users
 * saved as a segment. Screenshots of both tabs go to SHOTS for a person to look at.
 */
const test = demoCopyTest();
const shoot = shooter('/tmp/shots-metrics');

async function shownSpec(page: Page, kind: string): Promise<AnalysisSpec> {
  const text = await page.evaluate((k) => localStorage.getItem(`workbench.spec.${k}`), kind);
  return JSON.parse(text ?? 'null') as AnalysisSpec;
}

/** Waits until the numbers in the tab answer the spec in its builder. */
async function answered(panel: Locator): Promise<void> {
  await expect(panel.getByTestId('analysis-status')).toHaveAttribute('data-current', 'yes', {
    timeout: 120_000,
  });
}

/** The per-user grid's cells of its first `n` drawn rows, by column. */
async function gridRows(grid: Locator, n: number): Promise<string[][]> {
  const rows = grid.locator('[role="row"][aria-rowindex]');
  await expect(rows.first()).not.toHaveAttribute('aria-busy', 'true');
  return rows.evaluateAll(
    (els, count) =>
      els
        .slice(0, count)
        .map((r) =>
          [...r.querySelectorAll('[role="gridcell"]')].map((c) => (c.textContent ?? '').trim()),
        ),
    n,
  );
}

function csvLines(path: string): string[][] {
  return readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((line) => line.split(','));
}

test('per-user metrics: the grid holds every user, sorts, and its CSV is the grid', async ({
  ws,
  page,
}) => {
  test.setTimeout(240_000);
  await page.setViewportSize({ width: 1440, height: 1000 });
  await page.goto(`${ws.url}#metrics`);
  const tab = page.getByRole('tab', { name: 'Per-user metrics' });
  await expect(tab).toHaveAttribute('aria-selected', 'true');
  const panel = page.getByRole('tabpanel', { name: 'Per-user metrics' });
  await answered(panel);
  const spec = await shownSpec(page, 'metrics');
  expect(spec.kind).toBe('metrics');
  const result = (await ws.value('analysis.run', { spec })) as MetricsResult;
  expect(result.users).toBeGreaterThan(100);

  // Every user of the answer has a row; the grid draws them.
  const grid = panel.getByRole('grid', { name: 'Per-user metrics' });
  await expect(panel.getByTestId('user-metrics-total')).toHaveText(
    `${result.users.toLocaleString('en-US')} users`,
    { timeout: 60_000 },
  );
  const headers = (await grid.getByRole('columnheader').allTextContents()).map((h) =>
    h.replace(/[▲▼]/g, '').trim(),
  );
  expect(headers.slice(0, 1)).toEqual(['user_id']);
  for (const m of result.metrics) expect(headers).toContain(m.name);

  // Sorted by the first metric, largest first (a number's first click).
  const metric = result.metrics[0];
  if (metric === undefined) throw new Error('no metric');
  await grid.getByRole('button', { name: metric.name, exact: true }).click();
  await expect(grid.getByRole('columnheader', { name: metric.name })).toHaveAttribute(
    'aria-sort',
    'descending',
  );
  const at = headers.indexOf(metric.name);
  const kind = metric.unit === 'flag' ? 'value' : metricColumnKind(metric.unit);
  await expect
    .poll(async () => (await gridRows(grid, 1))[0]?.[at])
    .toBe(formatAs(kind, metric.max));
  const rows = await gridRows(grid, 10);
  expect(rows.length).toBe(10);

  await shoot(page, 'metrics-tab');
  await shoot(panel.locator('section.chart-panel'), 'metrics-chart');
  await shoot(panel.getByRole('complementary', { name: /builder/ }), 'metrics-builder');
  await shoot(panel.getByRole('region', { name: 'Per-user metrics' }), 'metrics-grid');

  // The CSV: the whole table, in the grid's order and columns, raw numbers.
  const download = page.waitForEvent('download');
  await panel.getByRole('button', { name: 'Export CSV' }).click();
  const file = await (await download).path();
  const csv = csvLines(file);
  expect(csv[0]).toEqual(headers);
  expect(csv.length - 1).toBe(result.users);
  rows.forEach((row, i) => {
    const line = csv[i + 1] ?? [];
    expect(line[0], `user of row ${i}`).toBe(row[0]);
    result.metrics.forEach((m) => {
      const c = headers.indexOf(m.name);
      const k = m.unit === 'flag' ? 'value' : metricColumnKind(m.unit);
      const raw = line[c] ?? '';
      expect(raw === '' ? '–' : formatAs(k, Number(raw)), `${m.name} of row ${i}`).toBe(row[c]);
    });
  });

  // A filter on the metric: the engine's count of users at or above its 75th percentile.
  const median = metric.p75 ?? 0;
  await panel.getByLabel('Filter column').selectOption(metric.name);
  await panel.getByLabel('Filter operator').selectOption('>=');
  await panel.getByLabel('Filter value').fill(String(median));
  await panel.getByRole('button', { name: 'Add filter' }).click();
  const page1 = await ws.value('metrics.page', {
    spec: spec as never,
    filters: [{ column: metric.name, op: '>=', value: median }],
    limit: 1,
  });
  await expect(panel.getByTestId('user-metrics-total')).toHaveText(
    `${(page1.total ?? -1).toLocaleString('en-US')} users matching the filters`,
  );

  // A histogram bar opens its users: the tallest bar of the metric shown (the first).
  const chart = panel.getByRole('img', { name: 'Metrics chart' });
  await chart.scrollIntoViewIfNeeded();
  const box = await chart.boundingBox();
  if (box === null) throw new Error('no chart');
  const bins = metric.histogram;
  const tallest = bins.reduce((best, b, i) => ((bins[best]?.users ?? 0) < b.users ? i : best), 0);
  // The plot spans the chart less its grid margins (left 64, right 96, bottom 52).
  const x = box.x + 64 + (box.width - 160) * ((tallest + 0.5) / bins.length);
  await page.mouse.move(x, box.y + box.height - 60);
  await expect(chart).toContainText(/users \(/);
  await shoot(panel.locator('section.chart-panel'), 'metrics-tooltip');
  await page.mouse.click(x, box.y + box.height - 60);
  const users = panel.getByRole('complementary', { name: 'Users behind the number' });
  await expect(users.getByTestId('users-total')).toContainText(
    `${(bins[tallest]?.users ?? -1).toLocaleString('en-US')} users`,
    { timeout: 60_000 },
  );
  await page.keyboard.press('Escape');
  await expect(users).toBeHidden();

  // Parquet: written by the engine to a path on its machine, with the grid's filter.
  await panel.getByRole('button', { name: 'Export Parquet…' }).click();
  const dialog = panel.getByRole('dialog', { name: 'Export Parquet' });
  const target = path.join(ws.tmpDir, 'user-metrics.parquet');
  await dialog.getByLabel('Parquet file path').fill(target);
  await dialog.getByRole('button', { name: 'Write Parquet' }).click();
  await expect(dialog.getByRole('status')).toHaveText(
    `Wrote ${(page1.total ?? -1).toLocaleString('en-US')} users to ${target}.`,
    { timeout: 60_000 },
  );
  expect(existsSync(target)).toBe(true);
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();

  // A metric added by type in the builder: it opens to edit, runs, and gets its column.
  const builder = panel.getByRole('complementary', { name: /builder/ });
  await builder.getByLabel('Add a metric').selectOption('featureAdoption');
  const added = builder.locator('fieldset.metric.open');
  await expect(added).toHaveCount(1);
  const features = ['comment_added', 'report_created', 'report_shared'];
  await added.getByLabel('Features', { exact: true }).selectOption(features);
  await expect
    .poll(async () => {
      const m = await shownSpec(page, 'metrics');
      const last = m.kind === 'metrics' ? m.metrics.at(-1) : undefined;
      return last?.type === 'featureAdoption' ? [...last.features].sort() : [];
    })
    .toEqual(features);
  await answered(panel);
  const name = await added.getByLabel(/Metric \d+ name/).inputValue();
  await expect(grid.getByRole('columnheader', { name })).toHaveCount(1);
  await shoot(builder, 'metrics-builder-added');
  await builder.getByRole('button', { name: `Remove metric ${name}` }).click();
  await answered(panel);
  await expect(grid.getByRole('columnheader', { name })).toHaveCount(0);

  // A funnel metric takes the steps of a saved funnel.
  const saved = funnelSpecSchema.parse(
    JSON.parse(
      readFileSync(path.resolve(import.meta.dirname, '../docs/specs/funnel.json'), 'utf8'),
    ),
  );
  const steps = saved.steps.map((s) => s.events.event);
  await ws.value('saved.save', { kind: 'analysis', name: 'Reporting funnel', spec: saved });
  await builder.getByLabel('Add a metric').selectOption('funnel');
  const funnel = builder.locator('fieldset.metric.open');
  await funnel
    .getByLabel('Steps of a saved funnel')
    .selectOption({ label: `Reporting funnel (${steps.length} steps)` });
  await expect
    .poll(async () => {
      const m = await shownSpec(page, 'metrics');
      const last = m.kind === 'metrics' ? m.metrics.at(-1) : undefined;
      return last?.type === 'funnel' ? last.steps.map((f) => f.event) : [];
    })
    .toEqual(steps);
  await answered(panel);
  await shoot(builder, 'metrics-builder-funnel');
  const funnelName = await funnel.getByLabel(/Metric \d+ name/).inputValue();
  await builder.getByRole('button', { name: `Remove metric ${funnelName}` }).click();
  await answered(panel);

  // Each user's first 7 days after signing up: a window per user, some not over yet.
  await builder.getByLabel('Window', { exact: true }).selectOption('sinceStart');
  await builder.getByLabel('Start at an event').check();
  await builder
    .getByRole('combobox', { name: 'Start event', exact: true })
    .selectOption('signed_up');
  await expect
    .poll(async () => JSON.stringify(await shownSpec(page, 'metrics')))
    .toContain('"startEvent":{"event":"signed_up"');
  await answered(panel);
  const since = (await ws.value('analysis.run', {
    spec: await shownSpec(page, 'metrics'),
  })) as MetricsResult;
  await expect(panel.getByTestId('meaning')).toContainText("after each user's first signed_up");
  await expect(panel.getByTestId('user-metrics-total')).toContainText(
    since.users.toLocaleString('en-US'),
  );
  await settle(page);
  await shoot(panel.locator('section.chart-panel'), 'metrics-since-chart');
  await shoot(panel.getByRole('region', { name: 'Per-user metrics' }), 'metrics-since-grid');
});

test('threshold benchmarks: the findings, and the users at or above one saved as a segment', async ({
  ws,
  page,
}) => {
  test.setTimeout(300_000);
  await page.setViewportSize({ width: 1440, height: 1000 });
  await page.goto(`${ws.url}#metrics`);
  await page.getByRole('tab', { name: 'Threshold benchmarks' }).click();
  const panel = page.getByRole('tabpanel', { name: 'Threshold benchmarks' });
  await answered(panel);
  const spec = await shownSpec(page, 'thresholds');
  expect(spec.kind).toBe('thresholds');
  const result = (await ws.value('analysis.run', { spec })) as ThresholdsResult;
  const findings = panel.getByRole('region', { name: 'Benchmarks', exact: true });
  // The strongest three, then every one.
  await expect(findings.locator('li.finding')).toHaveCount(Math.min(3, result.metrics.length));
  if (result.metrics.length > 3) {
    await findings
      .getByRole('button', { name: `Show all ${result.metrics.length} benchmarks` })
      .click();
    await expect(findings.locator('li.finding')).toHaveCount(result.metrics.length);
  }
  const best = result.metrics.find((m) => m.best !== null);
  if (best?.best == null) throw new Error('no benchmark found on the demo');
  await expect(findings).toContainText(best.best.sentence);
  // The ranked table below holds every metric.
  const table = panel.getByRole('table', { name: 'Result' });
  await expect(table.locator('tbody tr')).toHaveCount(result.metrics.length);

  await shoot(page, 'thresholds-tab');
  await shoot(findings, 'thresholds-findings');
  await shoot(panel.locator('section.chart-panel'), 'thresholds-chart');
  await shoot(panel.getByRole('complementary', { name: /builder/ }), 'thresholds-builder');
  await shoot(table, 'thresholds-table');

  // The users at or above the benchmark: as many as it says, saved as a segment.
  const above = best.best.above.toLocaleString('en-US');
  await findings
    .locator(`li[data-metric="${best.name}"]`)
    .getByRole('button', { name: `${above} users at or above` })
    .click();
  const users = panel.getByRole('complementary', { name: 'Users behind the number' });
  await expect(users.getByTestId('users-total')).toContainText(`${above} users`, {
    timeout: 60_000,
  });
  await shoot(page, 'thresholds-users');
  const name = 'Reached the benchmark (e2e)';
  await users.getByLabel('Segment name').fill(name);
  await users.getByRole('button', { name: 'Save as segment' }).click();
  await expect(users.getByRole('status')).toContainText(`with ${above} users`);
  const segments = (await ws.value('saved.list', { kind: 'segment' })) as { name: string }[];
  expect(segments.map((s) => s.name)).toContain(name);
  await page.keyboard.press('Escape');

  // The benchmark itself as a dynamic segment, kept current: its members as the engine counts them.
  await findings
    .locator(`li[data-metric="${best.name}"]`)
    .getByRole('button', { name: 'Save as a segment' })
    .click();
  const savedLink = findings.locator(`li[data-metric="${best.name}"]`).getByRole('button', {
    name: /^Saved “/,
  });
  await expect(savedLink).toBeVisible({ timeout: 60_000 });
  const dynamic = (await ws.value('segments.list', {})).find(
    (s) => s.type === 'dynamic' && s.name.startsWith(best.label),
  );
  expect(dynamic?.members).toBeGreaterThan(0);
  await expect(savedLink).toContainText(
    `(${(dynamic?.members ?? 0).toLocaleString('en-US')} members now)`,
  );

  // The heat map draws and the metric picker redraws the curve for another metric.
  if (result.heatmap.events.length > 0) {
    const heatmap = panel.getByRole('img', { name: 'Early behaviour heat map' });
    await expect(heatmap).toBeVisible();
    await shoot(heatmap.locator('xpath=ancestor::section[1]/..'), 'thresholds-more');
    // A cell opens the users who did its event by its day: the last day of a drawn row.
    const { events, days, cells } = result.heatmap;
    const cell = cells.find((c) => c.phi !== null && c.day === days[days.length - 1]);
    if (cell === undefined) throw new Error('no drawn heat map cell');
    await heatmap.scrollIntoViewIfNeeded();
    const hb = await heatmap.boundingBox();
    if (hb === null) throw new Error('no heat map');
    // The plot spans the chart less its grid margins (left 150, right 24, top 12, bottom 64).
    const cx = hb.x + 150 + ((hb.width - 174) * (days.indexOf(cell.day) + 0.5)) / days.length;
    const cy = hb.y + 12 + ((hb.height - 76) * (events.indexOf(cell.event) + 0.5)) / events.length;
    await page.mouse.click(cx, cy);
    await expect(users.getByTestId('users-total')).toContainText(
      `${cell.did.toLocaleString('en-US')} users`,
      { timeout: 60_000 },
    );
    await expect(users).toContainText(`did ${cell.event} by day ${cell.day}`);
    await page.keyboard.press('Escape');
  }

  const second = result.metrics[1];
  if (second === undefined) throw new Error('one metric only');
  await panel.getByLabel('Metric shown').selectOption(second.name);
  await expect(panel.getByRole('heading', { name: new RegExp(`^${second.name}:`) })).toBeVisible();
  await settle(page);
  await expect(panel.getByRole('table', { name: 'Thresholds chart data' })).toContainText(
    String(second.curve[0]?.rate ?? ''),
  );
  await shoot(panel.locator('section.chart-panel'), 'thresholds-second');

  // Split by the plan (on each user's first event here): a table of benchmarks per plan.
  await panel
    .getByRole('complementary', { name: /builder/ })
    .getByRole('combobox', { name: 'Split by' })
    .selectOption('event:plan');
  await expect
    .poll(async () => JSON.stringify(await shownSpec(page, 'thresholds')))
    .toMatch(/"split":\{[^}]*"property":"plan"/);
  await answered(panel);
  const groups = panel.getByRole('region', { name: 'Benchmarks by group' });
  await expect(groups.locator('tbody tr').first()).toBeVisible();
  await shoot(groups, 'thresholds-split');
  // A group opens its users: as many as the group counts.
  const bySplit = (await ws.value('analysis.run', {
    spec: await shownSpec(page, 'thresholds'),
  })) as ThresholdsResult;
  const group = bySplit.split?.groups[0];
  if (group === undefined) throw new Error('no split group');
  await groups.getByRole('button', { name: group.value, exact: true }).click();
  await expect(users.getByTestId('users-total')).toContainText(
    `${group.users.toLocaleString('en-US')} users`,
    { timeout: 60_000 },
  );
  await page.keyboard.press('Escape');

  // Saved with its split, reopened after a reload (the tab too) from the view's saved list.
  const saved = await shownSpec(page, 'thresholds');
  await panel.getByLabel('Analysis name').fill('Benchmarks by plan (e2e)');
  await panel.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(panel.getByRole('button', { name: /Saved \(1\)/ })).toBeVisible();
  await page.reload();
  await expect(page.getByRole('tab', { name: 'Threshold benchmarks' })).toHaveAttribute(
    'aria-selected',
    'true',
  );
  await panel.getByRole('button', { name: 'Reset to defaults' }).click();
  await panel.getByRole('button', { name: /Saved \(1\)/ }).click();
  await panel
    .getByRole('dialog', { name: 'Saved analyses' })
    .getByRole('button', { name: 'Benchmarks by plan (e2e)' })
    .click();
  await answered(panel);
  expect(await shownSpec(page, 'thresholds')).toEqual(saved);
  await expect(panel.getByRole('region', { name: 'Benchmarks by group' })).toBeVisible();

  // A benchmark with a side smaller than the minimum is flagged, not hidden.
  await panel
    .getByRole('complementary', { name: /builder/ })
    .getByLabel('Min users')
    .fill('5000');
  await answered(panel);
  const strict = (await ws.value('analysis.run', {
    spec: await shownSpec(page, 'thresholds'),
  })) as ThresholdsResult;
  const small = strict.metrics.filter((m) => m.best?.tooSmall === true).length;
  expect(small).toBeGreaterThan(0);
  await findings.getByRole('button', { name: /Show all/ }).click();
  await expect(findings.getByText('too few users', { exact: true })).toHaveCount(small);
  await shoot(findings, 'thresholds-too-small');

  // The benchmark's users saved above, side by side with everyone else: their group is them.
  const builder = panel.getByRole('complementary', { name: /builder/ });
  await builder.getByLabel('Min users').fill('100');
  const segment = `${name} (${above} users)`;
  await builder.getByLabel('Split by segments').selectOption({ label: segment });
  await expect
    .poll(async () => {
      const s = await shownSpec(page, 'thresholds');
      return s.kind === 'thresholds' ? [s.splitSegments.length, s.split === undefined] : [];
    })
    .toEqual([1, true]);
  await answered(panel);
  const bySegment = (await ws.value('analysis.run', {
    spec: await shownSpec(page, 'thresholds'),
  })) as ThresholdsResult;
  expect(bySegment.split?.groups.map((g) => g.value)).toEqual([name, '(other)']);
  expect(bySegment.split?.groups[0]?.users).toBe(best.best.above);
  await expect(groups.getByRole('button', { name, exact: true })).toBeVisible();
  await shoot(groups, 'thresholds-split-segments');

  // And as the population: everyone in it reached the benchmark's level.
  await builder.getByLabel('Split by segments').selectOption([]);
  await builder.getByLabel('Only members of').selectOption({ label: segment });
  await answered(panel);
  const members = (await ws.value('analysis.run', {
    spec: await shownSpec(page, 'thresholds'),
  })) as ThresholdsResult;
  expect(members.population.users).toBeLessThanOrEqual(best.best.above);
  const own = members.metrics.find((m) => m.name === best.name);
  expect(own?.curve[0]?.from).toBeGreaterThanOrEqual(best.best.threshold);
  await shoot(findings, 'thresholds-segment-population');

  // The dark theme: the same charts must stay legible.
  await page.getByRole('button', { name: 'Switch to dark theme' }).click();
  await settle(page);
  await shoot(panel.locator('section.chart-panel'), 'thresholds-dark-chart');
  await shoot(
    panel
      .getByRole('img', { name: 'Early behaviour heat map' })
      .locator('xpath=ancestor::section[1]/..'),
    'thresholds-dark-more',
  );
});
