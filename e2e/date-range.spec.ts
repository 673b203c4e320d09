import { expect, startWorkbench, test } from './fixtures';

/**
 * "This month" is the calendar month of the workspace clock. The run's clock (E2E_NOW) reads 14
 * March 2026 and the demo ends on 13 March; a second server reads 2 April, after the export.
 */
test('"This month" follows the workspace clock, and says when the data has not reached it', async ({
  demo,
  page,
}) => {
  const builder = page.getByRole('complementary', { name: /builder/ });
  await page.goto(`${demo.url}#trends`);
  await builder.getByRole('combobox', { name: /date range/i }).selectOption('month');
  await expect(builder.getByTestId('range-days')).toHaveText('2026-03-01 → 2026-03-14');
  await expect(builder.getByTestId('range-note')).toHaveCount(0);
  await expect(page.getByTestId('meaning')).toContainText('this month');

  const { workbench: april, stop } = await startWorkbench({
    demo: true,
    now: '2026-04-02T10:00:00Z',
  });
  try {
    await page.goto(`${april.url}#trends`);
    await builder.getByRole('combobox', { name: /date range/i }).selectOption('month');
    await expect(builder.getByTestId('range-days')).toHaveText('2026-04-01 → 2026-04-02');
    await expect(builder.getByTestId('range-note')).toHaveText(
      'this month: no data yet (the data ends on 2026-03-13)',
    );
    // The last 30 days of data still end on the data's last day.
    await builder.getByRole('combobox', { name: /date range/i }).selectOption('30');
    await expect(builder.getByTestId('range-days')).toHaveText('2026-02-12 → 2026-03-13');
    await expect(builder.getByTestId('range-note')).toHaveCount(0);
  } finally {
    await stop();
  }
});
