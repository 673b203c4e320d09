import { mkdirSync } from 'node:fs';
import { expect, type Locator, type Page } from '@playwright/test';
import { E2E_NOW } from './global-setup';

/**
 * Screenshots for a person to look at: `shooter('/tmp/shots-x')` gives a `shoot(target, name)`
 * writing `<dir>/<name>.png` (WORKBENCH_SHOTS overrides the folder).
 */
export function shooter(dir: string): (target: Page | Locator, name: string) => Promise<void> {
  const folder = process.env.WORKBENCH_SHOTS ?? dir;
  return async (target, name) => {
    mkdirSync(folder, { recursive: true });
    await target.screenshot({ path: `${folder}/${name}.png` });
  };
}

let clockShift = 0;
/**
 * The page's clock is fixed, and ECharts animates a redraw by the clock: moved on a few seconds,
 * a chart finishes its move to the new numbers before it is looked at. With `tray`, finished
 * work has also left the job tray, which would cover a screenshot's corner.
 */
export async function settle(page: Page, options: { tray?: boolean } = {}): Promise<void> {
  clockShift += 10_000;
  await page.clock.setFixedTime(new Date(Date.parse(E2E_NOW) + clockShift));
  await page.waitForTimeout(500);
  if (options.tray === true)
    await expect(page.locator('.job-tray .job')).toHaveCount(0, { timeout: 10_000 });
}
