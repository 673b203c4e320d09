import type { Page } from '@playwright/test';
import { formatCount } from '../shared/format';
import { demoCopyTest, expect } from './fixtures';
import { settle, shooter } from './shots';

/**
 * The Segments view on a copy of the demo workspace (this file saves segments in it): three
 * template segments made through the window, their live counts and list sizes against the
 * engine's, a segment's members grid and size over time, an incomplete rule and a refused
 * delete. Screenshots go to SHOTS for a person to look at.
 */
const test = demoCopyTest();
const shoot = shooter('/tmp/shots-segments');

/** The live count's words once it has counted the rule on screen. */
async function counted(page: Page): Promise<string> {
  const live = page.getByTestId('live-count');
  await expect(live).toHaveAttribute('data-state', 'counted', { timeout: 30_000 });
  return (await page.getByTestId('live-count-words').textContent()) ?? '';
}

/** Makes a template's segment through the window and returns what its live count said. */
async function fromTemplate(page: Page, id: string, shot?: string): Promise<string> {
  await page.getByRole('button', { name: 'From a template' }).click();
  await page.locator(`[data-template="${id}"]`).click();
  await page.getByRole('button', { name: 'Open in the builder' }).click();
  const words = await counted(page);
  if (shot !== undefined) await shoot(page, shot);
  await page.getByRole('button', { name: 'Save segment' }).click();
  await expect(page.getByTestId('segment-detail')).toBeVisible({ timeout: 30_000 });
  return words;
}

test('segments: templates, live count, list, members and history agree with the engine', async ({
  page,
  ws,
}) => {
  test.setTimeout(90_000);
  await page.goto(`${ws.url}#segments`);
  await expect(page.getByTestId('segment-count')).toHaveText('0 saved');
  await expect(page.getByText('No segment is saved yet')).toBeVisible();

  // An empty rule says what is missing instead of counting.
  await page.getByRole('button', { name: 'New segment' }).click();
  await expect(page.getByTestId('live-count')).toHaveAttribute('data-state', 'incomplete');
  await expect(page.getByTestId('live-count')).toContainText('an and-group needs a rule');
  await page.getByRole('button', { name: 'Cancel' }).click();

  // The template's inputs are guessed from the demo's events.
  await page.getByRole('button', { name: 'From a template' }).click();
  await shoot(page, 'template-list');
  await page.locator('[data-template="high-engagers"]').click();
  await expect(page.getByLabel('Login event')).toHaveValue('app_opened');
  await expect(page.locator('.feature-picker input:checked')).toHaveCount(4);
  await shoot(page, 'templates');
  await page.getByRole('button', { name: 'Cancel' }).click();

  const said: Record<string, string> = {};
  said['High-Engagers'] = await fromTemplate(page, 'high-engagers', 'builder');
  said['At-Risk'] = await fromTemplate(page, 'at-risk');
  said.Dormant = await fromTemplate(page, 'dormant');

  const list = await ws.value('segments.list', {});
  expect(list.map((s) => s.name).sort()).toEqual(['At-Risk', 'Dormant', 'High-Engagers']);
  for (const s of list) {
    const members = s.members ?? -1;
    const population = s.population ?? -1;
    expect(members).toBeGreaterThan(0);
    // The builder's live count before saving is what the engine computed on save.
    expect(said[s.name]).toContain(`${formatCount(members)} of ${formatCount(population)} users`);
    expect(said[s.name]).toContain(`as of ${s.asOf ?? ''}`);
    // And the list says the same.
    const row = page.locator(`tr[data-segment="${s.id}"]`);
    await expect(row.getByTestId('segment-members')).toHaveText(formatCount(members));
    await expect(row).toContainText(s.definition.slice(0, 40));
  }

  // A segment's detail: its size, size over time, and its members with their metrics.
  const dormant = list.find((s) => s.name === 'Dormant');
  if (dormant === undefined) throw new Error('Dormant was not saved');
  await page
    .locator(`tr[data-segment="${dormant.id}"]`)
    .getByRole('button', { name: 'Dormant', exact: true })
    .click();
  const detail = page.getByTestId('segment-detail');
  await expect(detail.getByTestId('segment-size')).toContainText(
    `${formatCount(dormant.members ?? 0)} of`,
  );
  await expect(detail.getByTestId('user-metrics-total')).toHaveText(
    `${formatCount(dormant.members ?? 0)} users`,
    { timeout: 30_000 },
  );
  const grid = detail.getByRole('grid', { name: 'Per-user metrics' });
  await expect(grid.locator('[role="row"][aria-rowindex]').first()).toBeVisible();
  await expect(detail.getByRole('img', { name: /Members of Dormant per week/ })).toBeVisible({
    timeout: 30_000,
  });
  const history = await ws.value('segments.history', {
    id: dormant.id,
    interval: 'week',
    points: 12,
  });
  expect(history).toHaveLength(12);
  expect(history.at(-1)?.members).toBe(dormant.members);
  await settle(page);
  await shoot(page, 'list-and-detail');
  await shoot(detail, 'detail');

  // A segment another one reads cannot be deleted: the engine's refusal is shown.
  const reader = await ws.value('segments.save', {
    name: 'Not dormant',
    spec: { type: 'dynamic', rule: { type: 'segment', segment: dormant.id, op: 'not in' } },
  });
  await page.reload();
  const row = page.locator(`tr[data-segment="${dormant.id}"]`);
  await row.getByRole('button', { name: 'Delete Dormant' }).click();
  await row.getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(page.getByRole('alert')).toContainText('Not dormant');
  expect((await ws.value('segments.list', {})).some((s) => s.id === dormant.id)).toBe(true);
  expect(reader.members).toBe(
    reader.population === null ? null : reader.population - (dormant.members ?? 0),
  );

  // A rule built by hand: an event condition added to an empty rule is counted as the engine
  // counts it; a user property without a value says what it needs.
  await page.getByRole('button', { name: 'New segment' }).click();
  await page.getByLabel('Add a condition').selectOption('event');
  await page.getByLabel('Event', { exact: true }).selectOption('report_shared');
  await page.getByLabel('Window days').fill('14');
  const byHand = await ws.value('segments.count', {
    rule: {
      all: [
        {
          type: 'event',
          event: { event: 'report_shared', where: [] },
          op: 'did',
          when: { type: 'last', days: 14 },
        },
      ],
    },
  });
  await expect(page.getByTestId('live-count-words')).toHaveText(
    `${formatCount(byHand.members)} of ${formatCount(byHand.population)} users (${((100 * byHand.members) / byHand.population).toFixed(1)}%) as of ${byHand.asOf}`,
    { timeout: 30_000 },
  );
  await page.getByLabel('Add a condition').selectOption('user');
  await expect(page.getByTestId('live-count')).toContainText('give a value for plan');
  await page.getByRole('button', { name: 'Cancel' }).click();

  // A static segment (saved from a funnel step) is listed beside the dynamic ones, fixed.
  const bought = await ws.value('segments.createStatic', {
    name: 'Bought after signing up',
    spec: {
      kind: 'funnel',
      steps: [{ events: { event: 'signed_up' } }, { events: { event: 'purchase_completed' } }],
      dateRange: { type: 'relative', last: 90, unit: 'day' },
    },
    select: { kind: 'funnel', step: 2 },
  });
  await page.reload();
  const staticRow = page.locator(`tr[data-segment="${bought.segment.id}"]`);
  await expect(staticRow.getByTestId('segment-members')).toHaveText(formatCount(bought.members));
  await expect(staticRow).toContainText('fixed list');
  await staticRow.getByRole('button', { name: 'Bought after signing up', exact: true }).click();
  await expect(page.getByText('members were fixed when it was saved')).toBeVisible();
  await expect(page.getByTestId('user-metrics-total')).toHaveText(
    `${formatCount(bought.members)} users`,
    { timeout: 30_000 },
  );

  // The dark theme, on the builder of a saved segment.
  await page.getByRole('button', { name: /Switch to dark theme/ }).click();
  const engagers = list.find((s) => s.name === 'High-Engagers');
  await page
    .locator(`tr[data-segment="${engagers?.id ?? ''}"]`)
    .getByRole('button', { name: 'High-Engagers', exact: true })
    .click();
  await page.getByRole('button', { name: 'Edit rule' }).click();
  await counted(page);
  await shoot(page, 'builder-dark');
});
