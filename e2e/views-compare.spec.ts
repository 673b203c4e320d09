import { SEGMENT_TEMPLATES, type TemplateInputs } from '../shared/specs/segment-templates';
import type { AnalysisSpec } from '../shared/specs/analysis-spec';
import { demoCopyTest, expect } from './fixtures';
import { settle, shooter } from './shots';

/**
 * Retention of High-Engagers vs At-Risk vs Dormant vs everyone else, in one chart: the three
 * template segments saved on a copy of the demo, compared from the Retention view, each side's
 * numbers checked against the engine's comparison of the same spec.
 */
const test = demoCopyTest();
const shoot = shooter('/tmp/shots-compare');

const DEMO: TemplateInputs = {
  login: 'app_opened',
  coreFeatures: ['dashboard_viewed', 'report_created', 'report_shared', 'search_performed'],
  purchase: 'purchase_completed',
  revenueProperty: 'revenue',
  minRevenue: 100,
  trialStart: { event: 'signed_up', where: [] },
};

test('retention compared across three template segments and everyone else', async ({
  page,
  ws,
}) => {
  test.setTimeout(120_000);
  const ids: string[] = [];
  for (const id of ['high-engagers', 'at-risk', 'dormant']) {
    const template = SEGMENT_TEMPLATES.find((t) => t.id === id);
    if (template === undefined) throw new Error(`no template ${id}`);
    const saved = await ws.value('segments.save', {
      name: template.name,
      spec: template.build(DEMO),
    });
    ids.push(saved.id);
  }
  const listed = await ws.value('segments.list', {});

  await page.goto(`${ws.url}#retention`);
  const status = page.getByTestId('analysis-status');
  await expect(status).toHaveAttribute('data-current', 'yes', { timeout: 60_000 });
  const panel = page.getByRole('region', { name: 'Compare segments' });
  await panel.getByLabel('Segments to compare').selectOption(ids);
  await expect(panel.getByTestId('compare-status')).toHaveText('4 groups', { timeout: 60_000 });

  // The same comparison through the engine, for the spec the view answered.
  const spec = JSON.parse(
    (await page.evaluate(() => localStorage.getItem('workbench.spec.retention'))) ?? 'null',
  ) as AnalysisSpec;
  // The picker lists the segments as the Segments view does (most recently saved first).
  const order = listed.map((s) => s.id).filter((id) => ids.includes(id));
  const engine = await ws.value('analysis.compare', { spec, segments: order, rest: true });
  expect(engine.groups.map((g) => g.label)).toEqual([
    'Dormant',
    'At-Risk',
    'High-Engagers',
    'Everyone else',
  ]);
  const sizes = engine.groups
    .map((g) => `${g.label}: ${g.members.toLocaleString('en-US')} users`)
    .join(' · ');
  await expect(panel.getByTestId('compare-sizes')).toHaveText(sizes);
  for (const g of engine.groups.slice(0, 3)) {
    expect(g.members).toBe(listed.find((s) => s.name === g.label)?.members);
  }
  // Each side's mean retention at period 1, as the table under the chart lists it.
  const table = panel.getByRole('table', { name: 'Segments compared, numbers' });
  for (const g of engine.groups) {
    if (g.result.kind !== 'retention') throw new Error('not retention');
    const mean = g.result.groups[0]?.mean.percentages[1];
    if (mean === null || mean === undefined) continue;
    await expect(
      table.getByRole('row').filter({ hasText: g.label }).filter({ hasText: 'mean' }).first(),
    ).toBeVisible();
  }
  // High-Engagers come back more than the dormant, as the planted demo behaviour makes them.
  const meanAt = (i: number): number => {
    const r = engine.groups[i]?.result;
    return r?.kind === 'retention' ? (r.groups[0]?.mean.percentages[1] ?? 0) : 0;
  };
  expect(meanAt(2)).toBeGreaterThan(meanAt(0));

  await settle(page);
  await shoot(panel, 'retention-compared');
  await page.getByRole('button', { name: /Switch to dark theme/ }).click();
  await settle(page);
  await shoot(panel, 'retention-compared-dark');
});
