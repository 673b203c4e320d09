import { expect, test } from './fixtures';

/** The SQL view: results in the shared grid (sortable, as the rows are all here), errors with
 * DuckDB's words and the spot it points at, cancelling a long query, the tables beside it. */

const EVENTS = `user_id,event,timestamp
a,open,2024-01-01T00:00:00Z
b,open,2024-01-02T00:00:00Z
a,buy,2024-01-03T00:00:00Z
c,open,2024-01-04T00:00:00Z
c,view,2024-01-05T00:00:00Z
`;

test('runs a query into a sortable grid with its row count and time', async ({
  workbench,
  page,
}) => {
  await workbench.value('import.events', { files: [workbench.write('e.csv', EVENTS)] });
  await page.goto(`${workbench.url}#sql`);
  const editor = page.getByLabel('SQL query');
  await editor.fill('SELECT event, count(*) AS n FROM events GROUP BY event ORDER BY event');
  await editor.press('Control+Enter');
  await expect(page.getByTestId('sql-status')).toContainText(/^3 rows in \d/);
  const grid = page.getByRole('grid', { name: 'Query result' });
  const firstCells = () =>
    grid.locator('[role="row"] [role="gridcell"]:first-child').allTextContents();
  await expect.poll(firstCells).toEqual(['buy', 'open', 'view']);

  // Numbers sort largest first on the first click, then the other way, then as the query gave.
  await grid.getByRole('button', { name: 'n', exact: true }).click();
  await expect.poll(firstCells).toEqual(['open', 'buy', 'view']);
  await expect(grid.getByRole('columnheader', { name: 'n', exact: true })).toHaveAttribute(
    'aria-sort',
    'descending',
  );
  await grid.getByRole('button', { name: 'n', exact: true }).click();
  await expect.poll(firstCells).toEqual(['buy', 'view', 'open']);
  await grid.getByRole('button', { name: 'n', exact: true }).click();
  await expect.poll(firstCells).toEqual(['buy', 'open', 'view']);

  // The tables panel lists the workspace's tables; a click writes the name into the query.
  const tables = page.getByRole('navigation', { name: 'Tables and columns' });
  await expect(tables).toContainText('events');
  await editor.fill('SELECT count(*) FROM ');
  await editor.press('End');
  await tables.getByRole('button', { name: 'users', exact: true }).click();
  await expect(editor).toHaveValue('SELECT count(*) FROM users');
  await page.getByRole('button', { name: /^Run/ }).click();
  await expect(page.getByTestId('sql-status')).toContainText('1 row');
  await expect(grid.getByRole('row').nth(1)).toContainText('3');
});

test("shows DuckDB's error with its line and column, and selects the spot", async ({
  workbench,
  page,
}) => {
  await workbench.value('import.events', { files: [workbench.write('e.csv', EVENTS)] });
  await page.goto(`${workbench.url}#sql`);
  const editor = page.getByLabel('SQL query');
  await editor.fill('SELECT event, count(*)\nFROM events\nGROUP BY evnt');
  await editor.press('Control+Enter');
  const error = page.getByRole('alert').filter({ hasText: 'The query failed at line 3' });
  await expect(error).toContainText('column 10');
  await expect(error).toContainText('"evnt" not found');
  // The editor has the misspelt name selected, ready to be retyped.
  await expect
    .poll(() =>
      editor.evaluate((el: HTMLTextAreaElement) =>
        el.value.slice(el.selectionStart, el.selectionEnd),
      ),
    )
    .toBe('evnt');
  await expect(page.getByRole('grid', { name: 'Query result' })).toHaveCount(0);

  await editor.fill('DELETE FROM events');
  await editor.press('Control+Enter');
  await expect(page.getByRole('alert')).toContainText('not a read-only query (a DELETE statement)');
  expect((await workbench.value('workspace.info')).events).toBe(5);
});

test('cancels a long query from the view', async ({ workbench, page }) => {
  await page.goto(`${workbench.url}#sql`);
  const editor = page.getByLabel('SQL query');
  // Long enough to still be running when Cancel is clicked (minutes on two cores).
  await editor.fill('SELECT sum(hash(i)) FROM range(100000000000) t(i)');
  await editor.press('Control+Enter');
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('alert')).toContainText('The query was cancelled');
  await expect(page.getByRole('button', { name: /^Run/ })).toBeEnabled();
});
