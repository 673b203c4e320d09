import { expect, test } from './fixtures';

/** The window around the views: the rail, themes, the last view, the workspace switcher. */

test('the rail lists every view, moves with the keyboard and remembers the last one', async ({
  workbench,
  page,
}) => {
  await page.goto(workbench.url);
  const rail = page.getByRole('navigation', { name: 'Views' });
  for (const name of [
    'Data',
    'Events',
    'Trends',
    'Funnels',
    'Retention',
    'Lifecycle',
    'Stickiness',
    'Paths',
    'Sessions',
    'Metrics & Thresholds',
    'Segments',
    'Personas',
    'Exports',
    'SQL',
  ]) {
    await expect(rail.getByRole('button', { name, exact: false }).first()).toBeVisible();
  }
  await rail.getByRole('button', { name: 'Data', exact: true }).focus();
  await page.keyboard.press('ArrowDown');
  await expect(rail.getByRole('button', { name: 'Events', exact: true })).toHaveAttribute(
    'aria-current',
    'page',
  );
  await expect(rail.getByRole('button', { name: 'Events', exact: true })).toBeFocused();
  await page.keyboard.press('End');
  await expect(page.getByRole('heading', { level: 1, name: 'SQL' })).toBeVisible();

  // A view not built yet says what it will do, with no number pretending to be data.
  await rail.getByRole('button', { name: /Personas/ }).click();
  const main = page.getByRole('main');
  await expect(main).toContainText('not built yet');
  expect(await main.textContent()).not.toMatch(/\d/);

  // Opened again without a hash: the last view.
  await page.goto(workbench.url);
  await expect(page.getByRole('heading', { level: 1, name: 'Personas' })).toBeVisible();
});

test('follows the system theme until one is chosen, then keeps the choice', async ({
  workbench,
  page,
}) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto(`${workbench.url}#data`);
  const html = page.locator('html');
  await expect(html).toHaveAttribute('data-theme', 'dark');
  await page.emulateMedia({ colorScheme: 'light' });
  await expect(html).toHaveAttribute('data-theme', 'light');
  await page.getByRole('button', { name: 'Switch to dark theme' }).click();
  await expect(html).toHaveAttribute('data-theme', 'dark');
  await page.reload();
  await expect(html).toHaveAttribute('data-theme', 'dark');
});

test('opens another workspace from the switcher and lists it among the recent ones', async ({
  workbench,
  page,
}) => {
  const other = `${workbench.tmpDir}/other.duckdb`;
  await page.goto(`${workbench.url}#data`);
  await page.getByRole('button', { name: /^Workspace (?!settings)/ }).click();
  const dialog = page.getByRole('dialog', { name: 'Switch workspace' });
  await dialog.getByLabel('Workspace file path').fill(other);
  await dialog.getByRole('button', { name: 'Open', exact: true }).click();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByRole('button', { name: /^Workspace (?!settings)/ })).toContainText(
    'other',
  );
  expect((await workbench.value('workspace.info')).workspace.path).toBe(other);

  await page.getByRole('button', { name: /^Workspace (?!settings)/ }).click();
  await expect(dialog.getByRole('button', { name: /other/ })).toHaveAttribute(
    'aria-current',
    'true',
  );
  await expect(dialog.getByRole('button', { name: /^w/ })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
});
