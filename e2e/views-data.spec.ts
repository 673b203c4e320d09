import { expect, test } from './fixtures';

/**
 * The Data view on a fresh workspace: the import flow through the path field (a column the
 * preset cannot guess is chosen in the mapping), the counts it leaves, people, uploads, and
 * imports that fail without touching what is already there.
 */

// 7 rows, one without a user: 6 events of 3 users, 3 event types, 2024-03-01 .. 2024-03-04.
const EVENTS = `distinct_id,action,happened_at,plan
u1,signed_up,2024-03-01T09:00:00Z,free
u1,app_opened,2024-03-01T09:05:00Z,free
u2,signed_up,2024-03-02T10:00:00Z,pro
u2,purchase,2024-03-03T10:00:00Z,pro
u2,app_opened,2024-03-04T11:00:00Z,pro
u3,signed_up,2024-03-04T12:00:00Z,free
,app_opened,2024-03-04T12:30:00Z,free
`;

test('imports a CSV by path, choosing the timestamp column, and shows its counts', async ({
  workbench,
  page,
}) => {
  const file = workbench.write('export.csv', EVENTS);
  await page.goto(`${workbench.url}#data`);
  await expect(page.getByTestId('card-events')).toContainText('0');

  await page.getByLabel('File, folder or glob on this machine').fill(file);
  await page.getByRole('button', { name: 'Use path' }).click();
  const panel = page.getByRole('region', { name: 'Import' });
  await expect(panel.getByTestId('import-files')).toContainText('export.csv');
  // The preset finds the user and the event, not the time: the form says so and waits.
  await expect(panel.getByLabel('User id', { exact: true })).toHaveValue('distinct_id');
  await expect(panel.getByLabel('Event name', { exact: true })).toHaveValue('action');
  await expect(panel.getByLabel('Timestamp', { exact: true })).toHaveAttribute(
    'aria-invalid',
    'true',
  );
  await expect(panel.getByRole('alert')).toContainText('no timestamp column');
  await expect(panel.getByRole('button', { name: 'Import events' })).toBeDisabled();

  await panel.getByLabel('Timestamp', { exact: true }).selectOption('happened_at');
  const preview = panel.getByRole('table', { name: 'Preview of the rows as they will be stored' });
  await expect(preview.locator('tbody tr')).toHaveCount(7);
  await expect(preview.locator('thead')).toContainText('user_id');
  await expect(preview.locator('tbody tr').first()).toContainText('2024-03-01 09:00:00');
  await expect(panel.getByRole('alert')).toHaveCount(0);

  await panel.getByRole('button', { name: 'Import events' }).click();
  const summary = panel.getByTestId('import-summary');
  await expect(summary).toContainText('Imported 6 events (3 new users)');
  await expect(summary).toContainText('1 without a user id');

  await expect(page.getByTestId('card-events')).toContainText('6');
  await expect(page.getByTestId('card-users')).toContainText('3');
  await expect(page.getByTestId('card-event')).toContainText('3');
  await expect(page.getByTestId('card-date')).toContainText('2024-03-01 → 2024-03-04');
  const sources = page.getByRole('table', { name: 'Sources' });
  await expect(sources).toContainText('export.csv');
  await expect(sources.locator('tbody tr').first()).toContainText('6');
  // The chart is drawn from the engine's trend of the same workspace.
  await expect(page.getByRole('img', { name: 'Events per day' })).toBeVisible();

  const info = await workbench.value('workspace.info');
  expect([info.events, info.users, info.eventTypes.length]).toEqual([6, 3, 3]);
});

test('a bad import shows its error where it happened and the workspace keeps its data', async ({
  workbench,
  page,
}) => {
  const good = workbench.write(
    'events.csv',
    'user_id,event,timestamp\nu1,open,2024-03-01T09:00:00Z\nu2,open,2024-03-02T09:00:00Z\n',
  );
  await workbench.value('import.events', { files: [good] });
  const noUser = workbench.write(
    'no-user.csv',
    'event,timestamp\nsigned_up,2024-03-05T00:00:00Z\n',
  );
  const badTimes = workbench.write('bad-times.csv', 'user_id,event,timestamp\nu9,open,yesterday\n');

  await page.goto(`${workbench.url}#data`);
  await expect(page.getByTestId('card-events')).toContainText('2');
  const panel = page.getByRole('region', { name: 'Import' });
  const path = page.getByLabel('File, folder or glob on this machine');

  // No user column: said in the panel, in the window's words, and nothing can be imported.
  await path.fill(noUser);
  await page.getByRole('button', { name: 'Use path' }).click();
  await expect(panel.getByRole('alert')).toContainText('no user id column found');
  await expect(panel.getByRole('alert')).toContainText('Choose the user id column above');
  await expect(panel.getByRole('alert')).not.toContainText('--map');
  await expect(panel.getByRole('button', { name: 'Import events' })).toBeDisabled();

  // Timestamps in no known form: the error, and a format field to fix it.
  await path.fill(badTimes);
  await page.getByRole('button', { name: 'Use path' }).click();
  await expect(panel.getByRole('alert')).toContainText("'yesterday'");
  await expect(panel.getByLabel('Timestamp format')).toBeVisible();
  await expect(panel.getByRole('button', { name: 'Import events' })).toBeDisabled();

  // What was there before is still there, on screen and in the engine.
  await page.reload();
  await expect(page.getByTestId('card-events')).toContainText('2');
  const info = await workbench.value('workspace.info');
  expect([info.events, info.users]).toEqual([2, 2]);
});

test('uploads a file in browser mode and imports people, then finds them', async ({
  workbench,
  page,
}) => {
  await page.goto(`${workbench.url}#data`);
  const panel = page.getByRole('region', { name: 'Import' });
  // Upload: the file's bytes go to the engine's machine, then it is read like a path.
  await panel.getByLabel('Upload files').setInputFiles({
    name: 'uploaded.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(
      'user_id,event,timestamp\nu1,open,2024-03-01T09:00:00Z\nu2,open,2024-03-02T09:00:00Z\n',
    ),
  });
  await expect(panel.getByTestId('import-files')).toContainText('uploaded.csv');
  await expect(
    panel.getByRole('table', { name: 'Preview of the rows as they will be stored' }),
  ).toBeVisible();
  await panel.getByRole('button', { name: 'Import events' }).click();
  await expect(panel.getByTestId('import-summary')).toContainText('Imported 2 events');

  const people = workbench.write(
    'people.csv',
    'user_id,email,first_name,company\nu1,ann@acme.example,Ann,Acme\nu2,bob@beta.example,Bob,Beta\nu9,zed@zeta.example,Zed,Zeta\n',
  );
  await panel.getByRole('radio', { name: 'People' }).click();
  await page.getByLabel('File, folder or glob on this machine').fill(people);
  await page.getByRole('button', { name: 'Use path' }).click();
  await panel.getByRole('button', { name: 'Import people' }).click();
  await expect(panel.getByTestId('import-summary')).toContainText('people added');

  const info = await workbench.value('workspace.info');
  await expect(page.getByTestId('card-people')).toContainText(String(info.identities));
  const search = page.getByLabel('Search people');
  await search.fill('acme');
  await expect(page.getByTestId('people-total')).toContainText('1 person');
  const grid = page.getByRole('grid', { name: 'People' });
  await expect(grid.getByRole('row').nth(1)).toContainText('ann@acme.example');
  // A user id opens that user's timeline in the Events view.
  await grid.getByRole('button', { name: 'u1' }).click();
  await expect(page.getByRole('complementary', { name: 'Timeline of u1' })).toContainText(
    'ann@acme.example',
  );
});
