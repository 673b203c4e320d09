import { describe, expect, it } from 'vitest';
import { dynamicSegmentSpecSchema, ruleWords } from './segment';
import { SEGMENT_TEMPLATES, type TemplateInputs } from './segment-templates';

const demo: TemplateInputs = {
  login: 'app_opened',
  coreFeatures: ['report_created', 'dashboard_viewed', 'teammate_invited'],
  purchase: 'purchase_completed',
  revenueProperty: 'revenue',
  minRevenue: 100,
  trialStart: {
    event: 'signed_up',
    where: [{ property: 'plan', source: 'event', op: '=', value: 'team_trial' }],
  },
};

describe('segment templates', () => {
  it.each(SEGMENT_TEMPLATES.map((t) => [t.id, t] as const))('%s builds a valid spec', (_id, t) => {
    const spec = t.build(demo);
    expect(dynamicSegmentSpecSchema.parse(spec)).toEqual(spec);
  });

  it('say what they find in the workspace\u2019s own events', () => {
    const words = Object.fromEntries(
      SEGMENT_TEMPLATES.map((t) => [t.id, ruleWords(t.build(demo).rule)]),
    );
    expect(words['dormant']).toBe('did not do any event in the last 30 days');
    expect(words['high-engagers']).toBe(
      '(app_opened per week above 5 (last 28 days) and share of core features used above 0.8 (last 28 days))',
    );
    expect(words['trial-not-engaged']).toContain(
      'did not do report_created after day 3 from their first signed_up (plan = team_trial)',
    );
  });
});
