import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { parseAnalysisSpec } from '../shared/specs/parse-spec';
import { expect, test } from './fixtures';

/**
 * "Import spec" with the example files of docs/specs (the ones `workbench run` takes): each
 * opens in its view and is answered; a bad file is an error in place, never a white page. And a
 * view that throws while rendering is contained by its error boundary.
 */
const DOCS = path.resolve(import.meta.dirname, '..', 'docs', 'specs');
const VIEW_OF_KIND: Record<string, string> = {
  trends: 'trends',
  funnel: 'funnels',
  retention: 'retention',
  lifecycle: 'lifecycle',
  stickiness: 'stickiness',
  paths: 'paths',
  sessions: 'sessions',
};

const docs = readdirSync(DOCS)
  .filter((f) => f.endsWith('.json'))
  .map((file) => {
    const raw = JSON.parse(readFileSync(path.join(DOCS, file), 'utf8')) as { kind: string };
    return { file, kind: raw.kind, view: VIEW_OF_KIND[raw.kind] };
  });

/** Collects uncaught page errors: what turned the window white. */
function pageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

async function answered(page: Page): Promise<void> {
  await expect(page.getByTestId('analysis-status')).toHaveAttribute('data-current', 'yes', {
    timeout: 30_000,
  });
}

/** The window still works: the rail is there and takes us to another view. */
async function stillAlive(page: Page): Promise<void> {
  await expect(page.getByRole('navigation').first()).toBeVisible();
  await page.getByRole('button', { name: 'Data', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Data' }).first()).toBeVisible();
}

test.describe('Import spec', () => {
  test('docs/specs has an example for every analysis view', () => {
    const kinds = docs.filter((d) => d.view !== undefined).map((d) => d.kind);
    expect(kinds.sort()).toEqual(Object.keys(VIEW_OF_KIND).sort());
  });

  for (const { file, kind, view } of docs.filter((d) => d.view !== undefined)) {
    test(`${file} opens in ${view} and is answered`, async ({ demo, page }) => {
      const errors = pageErrors(page);
      await page.goto(`${demo.url}#${view}`);
      await answered(page);
      await page.getByLabel('Import spec').setInputFiles(path.join(DOCS, file));
      // The view now edits the file's spec, completed with its defaults as the CLI reads it.
      const parsed = parseAnalysisSpec(JSON.parse(readFileSync(path.join(DOCS, file), 'utf8')));
      expect(parsed.ok).toBe(true);
      if (!parsed.ok) return;
      await expect
        .poll(async () =>
          JSON.parse(
            (await page.evaluate((k) => localStorage.getItem(`workbench.spec.${k}`), kind)) ??
              'null',
          ),
        )
        .toEqual(parsed.spec);
      await answered(page);
      await expect(page.getByRole('alert')).toHaveCount(0);
      const rows = page.getByRole('table', { name: 'Result' }).locator('tbody tr');
      await expect(rows.first()).toBeVisible();
      console.log(`${file}: ${await rows.count()} rows in ${view}`);
      expect(errors).toEqual([]);
    });
  }

  test('a file that is not a spec of this view is an error in place, not a white page', async ({
    demo,
    page,
  }) => {
    const errors = pageErrors(page);
    await page.goto(`${demo.url}#retention`);
    await answered(page);
    const meaning = await page.getByTestId('meaning').textContent();
    const note = page.getByRole('alert').filter({ hasText: 'The spec could not be imported' });
    const cases: [string, string | Buffer, RegExp][] = [
      ['broken.json', '{"kind": "retention", "periods": ', /broken\.json is not JSON/],
      ['list.json', '[1, 2, 3]', /list\.json: This is not an analysis spec/],
      ['cohorts.json', '{"kind": "cohorts"}', /"cohorts" is not a kind of analysis/],
      [
        'typo.json',
        readFileSync(path.join(DOCS, 'retention.json'), 'utf8').replace('"periods"', '"perods"'),
        /typo\.json: The retention spec has a problem: perods: not a field of a retention spec/,
      ],
      [
        'bad-value.json',
        JSON.stringify({ kind: 'retention', start: { event: 'a' } }),
        /bad-value\.json: The retention spec has \d problems: return: /,
      ],
      [
        'funnel.json',
        readFileSync(path.join(DOCS, 'funnel.json')),
        /import it in the Funnels view/,
      ],
      ['event-types.json', readFileSync(path.join(DOCS, 'event-types.json')), /the Events view/],
    ];
    for (const [name, content, message] of cases) {
      await page.getByLabel('Import spec').setInputFiles({
        name,
        mimeType: 'application/json',
        buffer: Buffer.from(content),
      });
      await expect(note).toContainText(message);
      // Nothing was opened: the view still shows, and answers, what it showed before.
      await expect(page.getByTestId('meaning')).toHaveText(meaning ?? '');
      await expect(page.getByRole('table', { name: 'Result' })).toBeVisible();
    }
    await page.screenshot({ path: test.info().outputPath('import-error.png') });
    expect(errors).toEqual([]);
    await stillAlive(page);
  });

  test('a view that throws while drawing shows its error; the window goes on', async ({
    demo,
    page,
  }) => {
    // An answer the view cannot draw (an engine of another version, say): a trends result
    // without its series. Before the boundary, React unmounted everything: a white window.
    await page.route('**/api/call/analysis.run', (route) =>
      route.fulfill({
        status: 200,
        contentType: 'application/json',
        body: JSON.stringify({ ok: true, value: { kind: 'trends', periods: ['2026-01-01'] } }),
      }),
    );
    await page.goto(`${demo.url}#trends`);
    const failed = page.getByRole('alert').filter({ hasText: 'The Trends view failed' });
    await expect(failed).toBeVisible();
    await expect(page.getByRole('button', { name: 'Reset this view' })).toBeVisible();
    await page.screenshot({ path: test.info().outputPath('view-failed.png') });
    // The rail still takes us elsewhere (whole answers again: the Data view charts one too),
    // and back, where the view starts afresh.
    await page.unroute('**/api/call/analysis.run');
    await stillAlive(page);
    await page.getByRole('button', { name: 'Trends', exact: true }).click();
    await answered(page);
    await expect(failed).toHaveCount(0);
  });
});
