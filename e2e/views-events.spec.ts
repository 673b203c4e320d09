import type { Locator } from '@playwright/test';
import { expect, test } from './fixtures';

/**
 * The Events view on the demo workspace (~1.55M events): event types, the raw-events grid fed
 * page by page as it scrolls, its filters, and a user's timeline. Read-only on `demo`.
 */

/** Rows in view that are still placeholders (a page on its way). */
const placeholders = (grid: Locator) => grid.locator('[role="row"][aria-busy="true"]');

// How fast the first page comes is measured by `npm run bench` (events grid), not asserted
// here: a test may not depend on the machine's speed.
test('shows the first raw events and never leaves blank rows when scrolled far', async ({
  demo,
  page,
}) => {
  await page.goto(`${demo.url}#data`);
  await expect(page.getByTestId('card-events')).not.toContainText('–');
  const started = Date.now();
  await page
    .getByRole('navigation', { name: 'Views' })
    .getByRole('button', { name: 'Events' })
    .click();
  const grid = page.getByRole('grid', { name: 'Raw events' });
  await expect(grid.getByRole('row').nth(1)).toContainText(/u_\d+/);
  console.log(`events grid: first rows ${Date.now() - started} ms after opening the view`);

  const info = await demo.value('workspace.info');
  await expect(page.getByTestId('events-total')).toContainText(
    `${info.events.toLocaleString('en-US')} events`,
  );

  // Jumps (a dragged scrollbar) anywhere fill in quickly; steady scrolling never shows a gap.
  for (const fraction of [0.33, 0.75, 1]) {
    await grid.evaluate((el, f) => {
      el.scrollTop = (el.scrollHeight - el.clientHeight) * f;
    }, fraction);
    const jumped = Date.now();
    await expect(placeholders(grid)).toHaveCount(0);
    console.log(`events grid: rows at ${fraction * 100}% in ${Date.now() - jumped} ms`);
    const cells = await grid
      .locator('[role="row"]:not([aria-busy]) [role="gridcell"]:first-child')
      .allTextContents();
    expect(cells.length).toBeGreaterThan(10);
    for (const text of cells) expect(text).toMatch(/^u_\d+$/);
  }
  await grid.evaluate((el) => (el.scrollTop = el.scrollHeight * 0.5));
  await expect(placeholders(grid)).toHaveCount(0);
  let seenPlaceholders = 0;
  for (let i = 0; i < 40; i++) {
    await grid.evaluate((el) => el.scrollBy(0, 400));
    seenPlaceholders += await placeholders(grid).count();
  }
  // Prefetching keeps ahead of a wheel-speed scroll.
  expect(seenPlaceholders).toBe(0);
  // The last row is the workspace's last event.
  await grid.evaluate((el) => (el.scrollTop = el.scrollHeight));
  await expect(grid.locator(`[aria-rowindex="${info.events + 1}"]`)).toContainText(/u_\d+/);
});

test('filters by several events and a property, and clears back to everything', async ({
  demo,
  page,
}) => {
  await page.goto(`${demo.url}#events`);
  const total = page.getByTestId('events-total');
  const info = await demo.value('workspace.info');
  await expect(total).toContainText(`${info.events.toLocaleString('en-US')} events`);

  const [a, b] = info.eventTypes.slice(-2);
  if (a === undefined || b === undefined) throw new Error('the demo has fewer than 2 event types');
  const filters = page.getByRole('form', { name: 'Filter events' });
  await filters.getByLabel('Event', { exact: true }).selectOption(a.event);
  await filters.getByLabel('Event', { exact: true }).selectOption(b.event);
  await expect(filters.getByLabel('Chosen events')).toContainText(a.event);
  await expect(filters.getByLabel('Chosen events')).toContainText(b.event);
  await filters.getByRole('button', { name: 'Apply' }).click();
  await expect(total).toContainText(`${(a.events + b.events).toLocaleString('en-US')} events`);

  // A property condition on top; the expected count is the engine's own.
  const expected = await demo.value('sql.query', {
    sql: `SELECT count(*) AS n FROM events WHERE event IN ('${a.event}', '${b.event}') AND plan = 'free'`,
  });
  await filters.getByLabel('Property').selectOption('plan');
  await filters.getByLabel('Value').fill('free');
  await filters.getByRole('button', { name: 'Apply' }).click();
  const n = Number(expected.rows[0]?.n ?? -1);
  await expect(total).toContainText(`${n.toLocaleString('en-US')} events`);

  // An incomplete condition is said in the bar and sends nothing.
  await filters.getByLabel('Value').fill('');
  await filters.getByRole('button', { name: 'Apply' }).click();
  await expect(filters.getByRole('alert')).toContainText('Give a value for plan');
  await expect(total).toContainText(`${n.toLocaleString('en-US')} events`);

  await filters.getByRole('button', { name: 'Clear' }).click();
  await expect(total).toContainText(`${info.events.toLocaleString('en-US')} events`);
});

test("sorts event types and opens a user's timeline from the grid", async ({ demo, page }) => {
  await page.goto(`${demo.url}#events`);
  const types = page.getByRole('table', { name: 'Event types' });
  const info = await demo.value('workspace.info');
  const byCount = [...info.eventTypes].sort((x, y) => y.events - x.events);
  await expect(types.locator('tbody tr').first()).toContainText(byCount[0]?.event ?? '?');
  await types.getByRole('button', { name: 'Event', exact: true }).click();
  const byName = [...info.eventTypes].map((t) => t.event).sort((x, y) => x.localeCompare(y));
  await expect(types.locator('tbody tr').first()).toContainText(byName[0] ?? '?');

  const grid = page.getByRole('grid', { name: 'Raw events' });
  const firstUser = grid.getByRole('row').nth(1).getByRole('button');
  const user = (await firstUser.textContent()) ?? '';
  await firstUser.click();
  const timeline = page.getByRole('complementary', { name: `Timeline of ${user}` });
  await expect(timeline).toContainText('First seen');
  const profile = await demo.value('users.timeline', { userId: user, limit: 1 });
  await expect(timeline).toContainText(profile.profile.events.toLocaleString('en-US'));
  // The user's health score this week, as the engine scores them (the default health score).
  const weeks = await demo.value('scores.history', {
    spec: { type: 'health' },
    weeks: 12,
    userId: user,
  });
  const now = weeks.at(-1)?.user;
  if (now !== null && now !== undefined) {
    await expect(timeline.getByTestId('user-health')).toContainText(`${now.toFixed(0)} (`, {
      timeout: 30_000,
    });
  }

  // Only this user: the grid narrows to their events.
  await timeline.getByRole('button', { name: 'Only this user' }).click();
  await expect(page.getByTestId('events-total')).toContainText(
    `${profile.profile.events.toLocaleString('en-US')} event`,
  );
  await timeline.getByRole('button', { name: 'Close timeline' }).click();
  await expect(timeline).toHaveCount(0);
});
