import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { formatCount, formatValue } from '../shared/format';
import type { RequestOf } from '../shared/api/contract';
import { DEFAULT_COMPONENTS } from '../shared/specs/score';
import { expect, test, type Workbench } from './fixtures';
import { settle, shooter } from './shots';

const shoot = shooter('/tmp/shots-scores');

/**
 * The Scores section of the Segments view on the demo workspace (read only: the spec lives in
 * the browser's storage): the default health score's users, bands and validation against the
 * engine's scores.run, a weight changed and the score recomputed, then a behavioural score of
 * report_created (1 point, at most 20) and purchase_completed (5 points) against the engine's
 * mean. Screenshots go to /tmp/shots-scores for a person to look at.
 */

/**
 * The whole panel: the view scrolls inside the window, so a page or element shot would show what
 * fits in the viewport only; the viewport is made as tall as the panel for the shot.
 */
async function shootPanel(page: Page, name: string): Promise<void> {
  const size = page.viewportSize() ?? { width: 1440, height: 900 };
  const height = await page
    .locator('.scores-panel')
    .evaluate((e) => e.getBoundingClientRect().top + e.scrollHeight + 24);
  await page.setViewportSize({
    width: size.width,
    height: Math.ceil(Math.max(height, size.height)),
  });
  await page.waitForTimeout(300);
  await shoot(page, name);
  await page.setViewportSize(size);
}

/** The score on screen once the engine has answered the spec as it is now. */
async function scored(page: Page): Promise<void> {
  await expect(page.getByTestId('score-result')).toHaveAttribute('data-state', 'done', {
    timeout: 60_000,
  });
}

/** A spec as the contract takes it: the schema fills in the defaults. */
type SpecInput = RequestOf<'scores.run'>['spec'];
const run = (demo: Workbench, spec: SpecInput) => demo.value('scores.run', { spec, limit: 100 });

test('scores: the default health score, a weight changed, and a behavioural score agree with the engine', async ({
  page,
  demo,
}) => {
  test.setTimeout(180_000);
  await page.goto(`${demo.url}#segments`);
  await page.getByRole('tab', { name: 'Scores' }).click();

  // The default health score, as the engine scores it.
  await expect(page.getByRole('radio', { name: 'Health score' })).toBeChecked();
  const components = page.getByRole('table', { name: 'Health components' });
  await expect(components.locator('tbody tr')).toHaveCount(DEFAULT_COMPONENTS.length);
  await expect(components).toContainText('Days since last activity');
  await expect(components.getByLabel('Which way recency is better')).toHaveValue('lower');
  await expect(components.getByLabel('Weight of frequency')).toHaveValue('35');
  const health = await run(demo, { type: 'health' });
  expect(health.users).toBeGreaterThan(0);
  await scored(page);
  await expect(page.getByTestId('score-users')).toHaveText(
    `${formatCount(health.users)} users scored as of ${health.asOf} (${health.window.from} to ${health.window.to})`,
  );
  await expect(page.getByTestId('score-mean')).toHaveText(formatValue(health.mean));
  await expect(page.getByTestId('score-median')).toHaveText(formatValue(health.median));
  for (const b of health.bands ?? [])
    await expect(page.getByTestId(`band-${b.band.replace(' ', '-')}`)).toHaveText(
      formatCount(b.users),
    );
  expect((health.bands ?? []).reduce((n, b) => n + b.users, 0)).toBe(health.users);
  await expect(page.getByTestId('score-words')).toContainText(
    'health 0-100 from percentiles: frequency 35%',
  );

  // The validation, said plainly.
  const validation = health.validation;
  const words = page.getByTestId('validation-words');
  if (validation === null || validation.auc === null) {
    await expect(words).toContainText(validation === null ? 'Not checked' : 'could not be checked');
  } else {
    await expect(words).toContainText(
      `Taken on ${validation.asOf}, the score told who churned in the next 30 days with AUC ${validation.auc.toFixed(2)} (0.5 is chance). Retained: healthy`,
    );
    await expect(page.getByTestId('validation-warning')).toHaveCount(validation.auc < 0.6 ? 1 : 0);
  }

  // The users tables: the lowest first, and who dropped.
  const lowest = page.getByRole('table', { name: 'Lowest-scoring users' });
  await expect(lowest.locator('tbody tr')).toHaveCount(Math.min(100, health.bottom.length));
  await expect(lowest.locator('tbody tr').first()).toContainText(health.bottom[0]?.user_id ?? '?');
  await expect(lowest.locator('thead')).toContainText('frequency pct');
  await expect(page.getByTestId('dropped-count')).toContainText(
    `${formatCount(health.dropped.users)} users score more than 10% lower`,
  );

  // The weekly history: 12 weeks, mean and bands.
  const history = page.getByRole('region', { name: 'Score history' });
  await expect(history).toHaveAttribute('data-state', 'done', { timeout: 90_000 });
  await expect(history.getByRole('img', { name: /Mean score and users per band/ })).toBeVisible();
  await settle(page, { tray: true });
  await shootPanel(page, 'health-default');
  await shoot(page.getByRole('region', { name: 'Score definition' }), 'health-components');

  // A weight changed: the share and the result follow.
  await components.getByLabel('Weight of frequency').fill('70');
  await expect(components.locator('[data-testid="component-share"]').first()).toHaveText('51.9%');
  await expect(page.getByText('The weights add to 135.0%')).toBeVisible();
  const heavier = await run(demo, {
    type: 'health',
    components: DEFAULT_COMPONENTS.map((c) => (c.name === 'frequency' ? { ...c, weight: 0.7 } : c)),
  });
  await scored(page);
  await expect(page.getByTestId('score-mean')).toHaveText(formatValue(heavier.mean));
  for (const b of heavier.bands ?? [])
    await expect(page.getByTestId(`band-${b.band.replace(' ', '-')}`)).toHaveText(
      formatCount(b.users),
    );
  await expect(page.getByTestId('score-words')).toContainText('frequency 52%');

  // A behavioural score: report_created 1 point (at most 20), purchase_completed 5 points.
  await page.getByRole('radio', { name: 'Behavioural score' }).check();
  await page.getByLabel('Rule 1 event', { exact: true }).selectOption('report_created');
  await page.getByLabel('Rule 1 points').fill('1');
  await page.getByLabel('Rule 1 cap').fill('20');
  await page.getByRole('button', { name: 'Add a rule' }).click();
  await page.getByLabel('Rule 2 event', { exact: true }).selectOption('purchase_completed');
  await page.getByLabel('Rule 2 points').fill('5');
  await expect(page.getByLabel('Rule 2 cap')).toHaveValue('');
  await expect(page.getByTestId('score-words')).toHaveText(
    'points: 1 per report_created (at most 20), 5 per purchase_completed, over the 28 days up to the last day with data',
  );
  const behavioural = await run(demo, {
    type: 'behavioural',
    rules: [
      { event: { event: 'report_created', where: [] }, points: 1, cap: 20 },
      { event: { event: 'purchase_completed', where: [] }, points: 5 },
    ],
  });
  await scored(page);
  await expect(page.getByTestId('score-mean')).toHaveText(formatValue(behavioural.mean));
  await expect(page.getByTestId('score-users')).toContainText(
    `${formatCount(behavioural.users)} users scored`,
  );
  await expect(page.getByTestId('band-counts')).toHaveCount(0);
  await expect(lowest.locator('thead')).not.toContainText('pct');
  await expect(history).toHaveAttribute('data-state', 'done', { timeout: 90_000 });
  await settle(page, { tray: true });
  await shootPanel(page, 'behavioural');

  // The CSV holds every scored user, in the columns scores.export writes.
  const [csv] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download CSV' }).click(),
  ]);
  expect(csv.suggestedFilename()).toBe(`behavioural-score-${behavioural.asOf}.csv`);
  const lines = readFileSync(await csv.path(), 'utf8')
    .trimEnd()
    .split('\n');
  expect(lines[0]).toBe('user_id,email,score');
  expect(lines.length - 1).toBe(behavioural.users);
  await expect(page.getByTestId('score-download-note')).toContainText(
    `${formatCount(behavioural.users)} users.`,
  );

  // The spec is kept in this browser: a reload opens the behavioural score again.
  await page.reload();
  await page.getByRole('tab', { name: 'Scores' }).click();
  await expect(page.getByRole('radio', { name: 'Behavioural score' })).toBeChecked();
  await expect(page.getByLabel('Rule 2 points')).toHaveValue('5');

  // The dark theme.
  await page.getByRole('button', { name: 'Switch to dark theme' }).click();
  await scored(page);
  await expect(history).toHaveAttribute('data-state', 'done', { timeout: 90_000 });
  await settle(page, { tray: true });
  await shootPanel(page, 'behavioural-dark');
});
