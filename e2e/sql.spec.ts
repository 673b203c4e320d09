import { expect, test } from './fixtures';

test('runs a query into the grid, and shows DuckDB’s error with its line', async ({
  workbench,
  page,
}) => {
  const file = workbench.write(
    'e.csv',
    'user_id,event,timestamp\na,open,2024-01-01T00:00:00Z\nb,open,2024-01-02T00:00:00Z\na,buy,2024-01-03T00:00:00Z\n',
  );
  const imported = await workbench.call('import.events', { files: [file] });
  expect(imported.ok).toBe(true);
  await page.goto(`${workbench.url}#sql`);
  const editor = page.getByLabel('SQL query');
  await editor.fill('SELECT event, count(*) AS n FROM events GROUP BY event ORDER BY n DESC');
  await editor.press('Control+Enter');
  await expect(page.getByTestId('sql-status')).toContainText('2 rows');
  const grid = page.getByRole('grid', { name: 'Query result' });
  await expect(grid.getByRole('row').nth(1)).toContainText('open');
  await expect(grid.getByRole('row').nth(1)).toContainText('2');
  await expect(grid.getByRole('row').nth(2)).toContainText('buy');

  await editor.fill('SELECT event\nFORM events');
  await page.getByRole('button', { name: /Run/ }).click();
  const error = page.getByRole('alert').filter({ hasText: 'The query failed at line 2' });
  await expect(error).toContainText('syntax error');
  await expect(error).toContainText('FORM events');

  await editor.fill('DELETE FROM events');
  await page.getByRole('button', { name: /Run/ }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'changes the workspace' })).toBeVisible();
});
