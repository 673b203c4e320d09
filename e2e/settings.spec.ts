import type { Page } from '@playwright/test';
import type { RequestOf } from '../shared/api/contract';
import { expect, test } from './fixtures';

/**
 * The workspace's settings in the window (Data view): a new week start and time zone reach the
 * engine and every view (the Data view's cards, a trends analysis), an import's source zone is
 * offered as the workspace's, bad input is refused in the form, a read-only workspace says why,
 * and the People card counts what the people list shows.
 */

// UTC instants chosen near midnight: in America/New_York (UTC-5 until 10 March 2024, then -4)
// the first event falls on 29 February and the third on Sunday 3 March.
const EVENTS = `user_id,event,timestamp
u1,open,2024-03-01T02:00:00Z
u1,open,2024-03-03T12:00:00Z
u2,open,2024-03-04T03:00:00Z
u2,open,2024-03-10T15:00:00Z
u3,open,2024-03-13T12:00:00Z
`;

/** Weekly events of 1-16 March, the spec the Trends view opens with in these tests. */
const WEEKLY: RequestOf<'analysis.run'>['spec'] = {
  kind: 'trends',
  series: [{ events: { event: '$any', where: [] }, measure: 'total' }],
  interval: 'week',
  dateRange: { type: 'absolute', from: '2024-03-01', to: '2024-03-16' },
  filters: [],
};

async function openSettings(page: Page): Promise<ReturnType<Page['getByRole']>> {
  await page.getByRole('button', { name: 'Workspace settings…' }).click();
  const panel = page.getByRole('region', { name: 'Workspace settings' });
  await expect(panel).toBeVisible();
  return panel;
}

/** The column heads of the analysis' result grid (a trend's periods), once it answers the spec. */
async function periodsShown(page: Page): Promise<string[]> {
  await expect(page.getByTestId('analysis-status')).toHaveAttribute('data-current', 'yes', {
    timeout: 30_000,
  });
  const heads = await page
    .getByRole('table', { name: 'Result' })
    .locator('thead th')
    .evaluateAll((cells) => cells.map((c) => (c.textContent ?? '').trim()));
  return heads.filter((h) => /\d{4}-\d{2}-\d{2}/.test(h));
}

test('week start and time zone set in the window reach the cards, the engine and an analysis', async ({
  workbench,
  page,
}) => {
  await workbench.value('import.events', { files: [workbench.write('events.csv', EVENTS)] });
  await page.addInitScript((spec) => {
    localStorage.setItem('workbench.spec.trends', JSON.stringify(spec));
  }, WEEKLY);

  // Before: UTC days, weeks from Monday.
  await page.goto(`${workbench.url}#trends`);
  const monday = await periodsShown(page);
  expect(monday.map((h) => h.slice(0, 10))).toEqual(['2024-02-26', '2024-03-04', '2024-03-11']);

  await page.goto(`${workbench.url}#data`);
  await expect(page.getByTestId('card-date')).toContainText('2024-03-01 → 2024-03-13');
  const panel = await openSettings(page);
  await expect(panel.getByTestId('settings-zone-current')).toContainText('UTC');
  await expect(panel.getByRole('radio', { name: 'Monday' })).toHaveAttribute(
    'aria-checked',
    'true',
  );
  const save = panel.getByRole('button', { name: 'Save settings' });
  await expect(save).toBeDisabled();

  await panel.getByRole('radio', { name: 'Sunday' }).click();
  await panel.getByLabel('Search time zones').fill('new york');
  await panel.getByLabel('Time zone', { exact: true }).selectOption('America/New_York');
  await expect(panel.getByTestId('settings-zone-current')).toContainText('America/New_York');
  await save.click();
  await expect(panel.getByTestId('settings-status')).toContainText('Saved', { timeout: 30_000 });

  // The engine keeps them, and the window's info follows without a reload.
  const info = await workbench.value('workspace.info');
  expect(info.workspace.settings).toMatchObject({
    timezone: 'America/New_York',
    weekStart: 'sunday',
    sessionGapMinutes: 30,
  });
  expect(info.days).toEqual({ from: '2024-02-29', to: '2024-03-13' });
  await expect(page.getByTestId('workspace-settings-summary')).toContainText(
    'time zone America/New_York · weeks start on Sunday',
  );
  await expect(page.getByTestId('card-date')).toContainText('2024-02-29 → 2024-03-13');
  await expect(page.getByTestId('card-date')).toContainText('America/New_York');

  // The same analysis now cuts New York weeks from Sunday, as the engine answers it.
  await page.getByRole('button', { name: 'Trends' }).click();
  const sunday = await periodsShown(page);
  const answer = await workbench.value('analysis.run', { spec: WEEKLY });
  expect(answer).toMatchObject({
    timezone: 'America/New_York',
    periods: ['2024-02-25', '2024-03-03', '2024-03-10'],
  });
  expect(sunday.map((h) => h.slice(0, 10))).toEqual(['2024-02-25', '2024-03-03', '2024-03-10']);
});

test('bad input is refused in the form, and a new session gap re-cuts the sessions', async ({
  workbench,
  page,
}) => {
  // u3's last two events are 40 minutes apart: two sessions with a 30-minute gap, one with 60.
  const events = `${EVENTS}u3,open,2024-03-13T12:40:00Z\n`;
  await workbench.value('import.events', { files: [workbench.write('events.csv', events)] });
  await page.goto(`${workbench.url}#data`);
  await expect(page.getByTestId('card-sessions')).toContainText('6');
  const panel = await openSettings(page);
  const gap = panel.getByLabel('Session gap (minutes)');
  const save = panel.getByRole('button', { name: 'Save settings' });

  for (const bad of ['0', '1441']) {
    await gap.fill(bad);
    await expect(gap).toHaveAttribute('aria-invalid', 'true');
    await expect(panel).toContainText('1440');
    await expect(save).toBeDisabled();
  }
  await gap.fill('30');
  await panel.getByLabel('Memory limit').fill('lots');
  await expect(panel).toContainText("Write a size such as '4GB'");
  await expect(save).toBeDisabled();
  // Nothing the schema would word for a developer ever reaches the form.
  await expect(panel).not.toContainText('Invalid request');
  await panel.getByLabel('Memory limit').fill('');

  await gap.fill('60');
  await save.click();
  await expect(panel.getByTestId('settings-status')).toContainText('sessions end after 60', {
    timeout: 30_000,
  });
  const info = await workbench.value('workspace.info');
  expect([info.workspace.settings.sessionGapMinutes, info.sessions]).toEqual([60, 5]);
  await expect(page.getByTestId('card-sessions')).toContainText('5');
  await expect(page.getByTestId('card-sessions')).toContainText('ended by 60 min idle');
});

test('an import read in a source time zone offers it as the workspace’s, in one click', async ({
  workbench,
  page,
}) => {
  const file = workbench.write(
    'paris.csv',
    'user_id,event,timestamp\nu1,open,2024-03-01 00:30:00\nu2,open,2024-03-02 09:00:00\n',
  );
  await page.goto(`${workbench.url}#data`);
  const importPanel = page.getByRole('region', { name: 'Import' });
  await page.getByLabel('File, folder or glob on this machine').fill(file);
  await page.getByRole('button', { name: 'Use path' }).click();
  await importPanel.getByLabel('Source time zone').fill('Europe/Paris');
  // The preview reads the times in Paris: 00:30 there is 23:30 UTC the day before.
  await expect(
    importPanel.getByRole('table', { name: 'Preview of the rows as they will be stored' }),
  ).toContainText('2024-02-29 23:30:00');
  await importPanel.getByRole('button', { name: 'Import events' }).click();
  await expect(importPanel.getByTestId('import-summary')).toContainText('Imported 2 events');

  const offer = importPanel.getByRole('group', { name: 'Workspace time zone' });
  await expect(offer).toContainText('Use Europe/Paris as the workspace time zone?');
  await expect(page.getByTestId('card-date')).toContainText('2024-02-29 → 2024-03-02');
  await offer.getByRole('button', { name: 'Use Europe/Paris' }).click();
  await expect(offer).toHaveCount(0);
  await expect(page.getByTestId('workspace-settings-summary')).toContainText(
    'time zone Europe/Paris',
  );
  // In Paris the first event is on 1 March, as the file wrote it.
  await expect(page.getByTestId('card-date')).toContainText('2024-03-01 → 2024-03-02');
  expect((await workbench.value('workspace.info')).workspace.settings.timezone).toBe(
    'Europe/Paris',
  );

  // Imported again in the zone it now has: nothing to offer.
  const more = workbench.write(
    'more.csv',
    'user_id,event,timestamp\nu3,open,2024-03-03 10:00:00\n',
  );
  await page.getByLabel('File, folder or glob on this machine').fill(more);
  await page.getByRole('button', { name: 'Use path' }).click();
  await importPanel.getByLabel('Source time zone').fill('Europe/Paris');
  await expect(
    importPanel.getByRole('table', { name: 'Preview of the rows as they will be stored' }),
  ).toBeVisible();
  await importPanel.getByRole('button', { name: 'Import events' }).click();
  await expect(importPanel.getByTestId('import-summary')).toContainText('Imported 1 event');
  await expect(offer).toHaveCount(0);
});

test('a read-only workspace shows its settings disabled, with the reason', async ({
  workbench,
  page,
}) => {
  await workbench.value('import.events', { files: [workbench.write('events.csv', EVENTS)] });
  await workbench.value('workspace.open', { path: workbench.workspacePath, readOnly: true });
  await page.goto(`${workbench.url}#data`);
  const panel = await openSettings(page);
  await expect(panel.getByTestId('settings-read-only')).toContainText('read-only');
  await expect(panel.getByLabel('Search time zones')).toBeDisabled();
  await expect(panel.getByLabel('Session gap (minutes)')).toBeDisabled();
  await expect(panel.getByRole('radio', { name: 'Sunday' })).toBeDisabled();
  await expect(panel.getByRole('button', { name: 'Save settings' })).toBeDisabled();
});

test('the People card counts the people the list shows', async ({ workbench, demo, page }) => {
  /** The card's number and the list's total, as the window writes them. */
  const shown = async (): Promise<[string, string]> => {
    const card = page.getByTestId('card-people').locator('.card-value');
    const total = page.getByTestId('people-total');
    await expect(total).toContainText(/people|person/);
    const list = ((await total.textContent()) ?? '').replace(/\s*(people|person).*/, '');
    return [((await card.textContent()) ?? '').trim(), list.trim()];
  };

  // Events only, no people export: every user is a person of the list (the card said 0).
  await workbench.value('import.events', { files: [workbench.write('events.csv', EVENTS)] });
  await page.goto(`${workbench.url}#data`);
  expect(await shown()).toEqual(['3', '3']);
  await expect(page.getByTestId('card-people')).toContainText('no people export imported yet');

  // The demo: events and a people export.
  await page.goto(`${demo.url}#data`);
  const [card, list] = await shown();
  const info = await demo.value('workspace.info');
  expect(card).toBe(list);
  expect(card).toBe(info.people.toLocaleString('en-US'));
  await expect(page.getByTestId('card-people')).toContainText('with imported details');
});
