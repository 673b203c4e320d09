import { readFileSync } from 'node:fs';
import { expect, test } from './fixtures';

/** A small workspace of its own: three users over three days is a chart. */
const EVENTS = [
  'user_id,event,timestamp',
  'u1,app_opened,2026-01-05T09:00:00Z',
  'u2,app_opened,2026-01-05T10:00:00Z',
  'u1,app_opened,2026-01-06T09:00:00Z',
  'u3,app_opened,2026-01-06T11:00:00Z',
  'u2,app_opened,2026-01-07T12:00:00Z',
].join('\n');

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

test('PNG saves the chart as a PNG file, under the app’s CSP', async ({ workbench, page }) => {
  await workbench.value('import.events', { files: [workbench.write('events.csv', EVENTS)] });
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  await page.goto(`${workbench.url}#trends`);
  await expect(page.getByTestId('analysis-status')).toHaveAttribute('data-current', 'yes');

  // Why the export cannot fetch its data: URL: the policy (kept strict) refuses it.
  const fetched = await page.evaluate(() =>
    fetch('data:image/png;base64,iVBORw0KGgo=').then(
      () => 'fetched',
      () => 'refused',
    ),
  );
  expect(fetched).toBe('refused');
  violations.length = 0;

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'PNG', exact: true }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('trends.png');
  const bytes = readFileSync(await download.path());
  expect([...bytes.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
  // IHDR: the image has the chart's size (pixel ratio 2), not an empty canvas.
  expect(bytes.subarray(12, 16).toString('latin1')).toBe('IHDR');
  const width = bytes.readUInt32BE(16);
  const height = bytes.readUInt32BE(20);
  console.log(`trends.png: ${bytes.length} bytes, ${width}x${height}`);
  expect(width).toBeGreaterThan(400);
  expect(height).toBe(320 * 2);
  expect(violations).toEqual([]);
});
