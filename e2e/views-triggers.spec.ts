import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { addDays } from '../shared/calendar/local-days';
import { formatCount } from '../shared/format';
import { demoCopyTest, expect } from './fixtures';
import { settle, shooter } from './shots';

/**
 * The Triggers section of the Segments view on a copy of the demo workspace (this file saves a
 * trigger in it): an inactivity trigger made through the window, its live fires, backtest,
 * CSV and JSON-lines downloads and webhook (a dry run, then a confirmed send to a local server)
 * against the engine's own answers. Screenshots go to SHOTS for a person to look at.
 */
const test = demoCopyTest();
const shoot = shooter('/tmp/shots-triggers');

/** A local webhook that records every POST's body. */
async function webhook(): Promise<{ url: string; bodies: unknown[]; close: () => Promise<void> }> {
  const bodies: unknown[] = [];
  const read = (req: IncomingMessage): Promise<string> =>
    new Promise((resolve) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString()));
      req.on('end', () => resolve(text));
    });
  const server = createServer((req, res) => {
    void read(req).then((text) => {
      bodies.push(JSON.parse(text) as unknown);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    bodies,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const SPEC = {
  version: 1 as const,
  condition: {
    type: 'inactivity' as const,
    event: { event: 'app_opened', where: [] },
    days: 7,
  },
  cooldownDays: 7,
};

test('triggers: an inactivity trigger, its fires, backtest, downloads and webhook agree with the engine', async ({
  page,
  ws,
}) => {
  test.setTimeout(90_000);
  const hook = await webhook();
  try {
    await page.goto(`${ws.url}#segments`);
    await page.getByRole('tab', { name: 'Triggers' }).click();
    await expect(page.getByTestId('trigger-count')).toHaveText('0 saved');
    await expect(page.getByText('No trigger is saved yet')).toBeVisible();

    // An inactivity trigger through the window: no app_opened for 7 days.
    await page.getByRole('button', { name: 'New trigger' }).click();
    await page.getByLabel('Trigger type').selectOption('inactivity');
    await page.getByLabel('No event of', { exact: true }).selectOption('app_opened');
    await page.getByLabel('For days').fill('');
    await expect(page.getByTestId('live-fires')).toHaveAttribute('data-state', 'incomplete');
    await expect(page.getByTestId('live-fires')).toContainText('days: a number is needed');
    await page.getByLabel('For days').fill('7');
    await page.getByLabel('Trigger name').fill('Gone quiet');
    await expect(page.getByTestId('trigger-words')).toHaveText(
      'Fires for users with no app_opened for 7 days, at most once every 7 days.',
    );

    // The count shown is the engine's.
    const run = await ws.value('triggers.run', { spec: SPEC, limit: 1 });
    expect(run.total).toBeGreaterThan(0);
    await expect(page.getByTestId('live-fires')).toHaveAttribute('data-state', 'done', {
      timeout: 30_000,
    });
    await expect(page.getByTestId('live-fires-words')).toHaveText(
      `${formatCount(run.total)} users fire as of ${run.asOf} (${formatCount(run.stale)} stale, fired more than 48 h before)`,
    );
    const table = page.getByRole('table', { name: 'Fired users' });
    await expect(table.locator('tbody tr')).toHaveCount(Math.min(run.total, 1_000));
    await expect(table.locator('thead')).toContainText('days inactive');
    await expect(table.locator('tbody tr').first()).toContainText(run.fires[0]?.user_id ?? '?');
    await settle(page, { tray: true });
    await shoot(page, 'editor-with-fires');

    // The backtest: the last 90 days up to the as-of day, totals as the engine counts them.
    await expect(page.getByLabel('Backtest to')).toHaveValue(run.asOf);
    const from = await page.getByLabel('Backtest from').inputValue();
    expect(from).toBe(addDays(run.asOf, -89));
    await page.getByRole('button', { name: 'Run backtest' }).click();
    const backtest = await ws.value('triggers.backtest', { spec: SPEC, from, to: run.asOf });
    const totals = page.getByTestId('backtest-totals');
    await expect(totals.locator('[data-outcome="fires"]')).toHaveText(formatCount(backtest.fires), {
      timeout: 30_000,
    });
    for (const key of ['cameBack', 'churned', 'unknown'] as const)
      await expect(totals.locator(`[data-outcome="${key}"]`)).toHaveText(
        formatCount(backtest[key]),
      );
    expect(backtest.cameBack + backtest.churned + backtest.unknown).toBe(backtest.fires);
    await expect(page.getByTestId('backtest-words')).toContainText(
      `Of ${formatCount(backtest.fires)} fires:`,
    );
    const backtestPanel = page.getByRole('region', { name: 'Backtest' });
    await expect(backtestPanel.getByRole('img', { name: /Fires per day/ })).toBeVisible();
    await settle(page, { tray: true });
    await shoot(backtestPanel, 'backtest-chart');

    // The CSV and the JSON lines hold everyone who fires.
    const [csv] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    expect(csv.suggestedFilename()).toBe(`Gone-quiet-${run.asOf}.csv`);
    const lines = readFileSync(await csv.path(), 'utf8')
      .trimEnd()
      .split('\n');
    expect(lines[0]).toBe(
      'user_id,email,trigger,fired_at,as_of,stale,last_event,last_event_at,days_inactive',
    );
    expect(lines.length - 1).toBe(run.total);
    await expect(page.getByTestId('download-note')).toContainText(
      `${formatCount(run.total)} users`,
    );
    const [jsonl] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download webhook payload (JSON lines)' }).click(),
    ]);
    const payloads = readFileSync(await jsonl.path(), 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { trigger: string; as_of: string });
    expect(payloads).toHaveLength(run.total);
    expect(payloads[0]).toMatchObject({ trigger: 'Gone quiet', as_of: run.asOf });

    // A dry run sends nothing and shows the first batch.
    const webhookPanel = page.getByRole('region', { name: 'Webhook' });
    await webhookPanel.getByLabel('Webhook URL').fill(hook.url);
    await webhookPanel.getByLabel('Batch size').fill('5000');
    await webhookPanel.getByRole('button', { name: 'Dry run' }).click();
    const summary = webhookPanel.getByTestId('send-summary');
    await expect(summary).toHaveAttribute('data-dry-run', 'true', { timeout: 30_000 });
    const batches = Math.ceil(run.total / 5000);
    await expect(summary).toContainText(
      `Dry run: nothing was sent. ${formatCount(run.total)} users would go to ${hook.url} in ${batches}`,
    );
    await expect(summary.getByTestId('webhook-sample')).toContainText('"trigger": "Gone quiet"');
    await expect(summary.getByTestId('webhook-sample')).toContainText(`"batches": ${batches}`);
    expect(hook.bodies).toHaveLength(0);
    await settle(page, { tray: true });
    await shoot(webhookPanel, 'webhook-dry-run');

    // Send asks again before anything goes out; confirmed, every user is POSTed.
    await webhookPanel.getByRole('button', { name: 'Send…' }).click();
    await expect(webhookPanel.getByRole('group', { name: 'Confirm sending' })).toBeVisible();
    expect(hook.bodies).toHaveLength(0);
    await webhookPanel.getByRole('button', { name: 'Yes, send' }).click();
    await expect(summary).toHaveAttribute('data-dry-run', 'false', { timeout: 30_000 });
    await expect(summary).toContainText(
      `Sent ${formatCount(run.total)} of ${formatCount(run.total)} users`,
    );
    expect(hook.bodies).toHaveLength(batches);
    expect(
      hook.bodies.reduce((n: number, b) => n + (b as { users: unknown[] }).users.length, 0),
    ).toBe(run.total);

    // Saved, it is listed with who fires now.
    await page.getByRole('button', { name: 'Save trigger' }).click();
    await expect(page.getByTestId('trigger-count')).toHaveText('1 saved');
    const saved = await ws.value('saved.list', { kind: 'trigger' });
    expect(saved.map((s) => s.name)).toEqual(['Gone quiet']);
    const row = page.locator(`tr[data-trigger="${saved[0]?.id ?? ''}"]`);
    await expect(row).toContainText('no app_opened for 7 days, at most once every 7 days');
    await expect(row.getByTestId('trigger-fires-now')).toHaveText(formatCount(run.total), {
      timeout: 30_000,
    });
    await expect(row.getByTestId('trigger-stale-now')).toHaveText(formatCount(run.stale));
    await page.evaluate(() => window.scrollTo(0, 0));
    await shoot(page, 'saved-list');

    // The dark theme, on the same editor.
    await page.getByRole('button', { name: /Switch to dark theme/ }).click();
    await settle(page, { tray: true });
    await shoot(page, 'dark-editor');
    await backtestPanel.scrollIntoViewIfNeeded();
    await shoot(backtestPanel, 'dark-backtest');
  } finally {
    await hook.close();
  }
});
