import { expect, test } from './fixtures';

const EVENTS = `user_id,event,timestamp,plan
u1,signed_up,2024-03-01T09:00:00Z,free
u1,app_opened,2024-03-01T09:05:00Z,free
u2,signed_up,2024-03-02T10:00:00Z,pro
u2,app_opened,2024-03-03T10:00:00Z,pro
u2,app_opened,2024-03-04T11:00:00Z,pro
u3,signed_up,2024-03-04T12:00:00Z,free
`;

test('imports a CSV through the UI, shows its counts, and keeps them when a bad import fails', async ({
  workbench,
  page,
}) => {
  const good = workbench.write('events.csv', EVENTS);
  const bad = workbench.write('no-user.csv', 'event,timestamp\nsigned_up,2024-03-05T00:00:00Z\n');
  await page.goto(`${workbench.url}#data`);
  await expect(page.getByTestId('card-events')).toContainText('0');

  await page.getByLabel('File, folder or glob on this machine').fill(good);
  await page.getByRole('button', { name: 'Use path' }).click();
  // The detected mapping and the first rows as they will be stored.
  await expect(page.getByLabel('User id', { exact: true })).toHaveValue('user_id');
  await expect(page.getByLabel('Timestamp', { exact: true })).toHaveValue('timestamp');
  const preview = page.getByRole('table', { name: 'Preview of the rows as they will be stored' });
  await expect(preview.locator('tbody tr')).toHaveCount(6);
  await page.getByRole('button', { name: 'Import events' }).click();
  await expect(page.getByTestId('import-summary')).toContainText('Imported 6 events (3 new users)');
  await expect(page.getByTestId('card-events')).toContainText('6');
  await expect(page.getByTestId('card-users')).toContainText('3');
  await expect(page.getByTestId('card-event')).toContainText('2');
  await expect(page.getByRole('table', { name: 'Sources' })).toContainText('events.csv');

  // A file without a user column: the error says so, and the workspace keeps its 6 events.
  await page.getByLabel('File, folder or glob on this machine').fill(bad);
  await page.getByRole('button', { name: 'Use path' }).click();
  await expect(page.getByRole('alert').first()).toContainText(/user/i);
  await expect(page.getByRole('button', { name: 'Import events' })).toBeDisabled();
  const reply = await workbench.call('import.events', { files: [bad] });
  expect(reply.ok).toBe(false);
  await page.reload();
  await expect(page.getByTestId('card-events')).toContainText('6');
  const info = (await workbench.call('workspace.info')).value as { events: number; users: number };
  expect([info.events, info.users]).toEqual([6, 3]);
});
