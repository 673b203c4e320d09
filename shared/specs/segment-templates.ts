import type { EventFilter } from './common';
import type { DynamicSegmentSpec, SegmentRule } from './segment';

/**
 * Starting points for the segments every retention team keeps. Each asks which events of this
 * workspace mean what it needs ("login", "core features", "purchase"), since exports name them
 * differently (app_opened, session_start, Login...).
 */
export interface TemplateInputs {
  /** The event that means a visit or a login. */
  login: string;
  /** The events that are the product's core features. */
  coreFeatures: string[];
  /** The event of a purchase, and its numeric revenue property. */
  purchase: string;
  revenueProperty: string;
  /** Revenue in 90 days at which a purchaser counts as high-value. */
  minRevenue: number;
  /** The event that starts a trial (e.g. signed_up where plan = team_trial). */
  trialStart: EventFilter;
}

export type TemplateInput = keyof TemplateInputs;

export interface SegmentTemplate {
  id: string;
  name: string;
  /** What it finds, as the template list says it. */
  description: string;
  /** The inputs it asks for. */
  needs: TemplateInput[];
  build(inputs: TemplateInputs): DynamicSegmentSpec;
}

const only = (event: string): EventFilter => ({ event, where: [] });

const loginsPerWeek = (login: string, op: '>' | '<', value: number): SegmentRule => ({
  type: 'metric',
  metric: {
    name: 'logins_per_week',
    label: `${login} per week`,
    type: 'count',
    events: [only(login)],
    per: 'week',
  },
  days: 28,
  op,
  value,
});

const adoption = (features: string[], op: '>' | '<', value: number): SegmentRule => ({
  type: 'metric',
  metric: {
    name: 'feature_adoption',
    label: 'share of core features used',
    type: 'featureAdoption',
    features,
    as: 'share',
  },
  days: 28,
  op,
  value,
});

const dynamic = (rule: SegmentRule, description: string): DynamicSegmentSpec => ({
  type: 'dynamic',
  version: 1,
  rule,
  description,
});

export const SEGMENT_TEMPLATES: SegmentTemplate[] = [
  {
    id: 'high-engagers',
    name: 'High-Engagers',
    description: 'More than 5 logins a week and above 80% of the core features, over 28 days',
    needs: ['login', 'coreFeatures'],
    build: (i) =>
      dynamic(
        { all: [loginsPerWeek(i.login, '>', 5), adoption(i.coreFeatures, '>', 0.8)] },
        'More than 5 logins a week and above 80% of the core features used, over the 28 days up to the as-of day.',
      ),
  },
  {
    id: 'at-risk',
    name: 'At-Risk',
    description: 'Fewer than 2 logins a week and below 30% of the core features, over 28 days',
    needs: ['login', 'coreFeatures'],
    build: (i) =>
      dynamic(
        {
          all: [
            loginsPerWeek(i.login, '<', 2),
            adoption(i.coreFeatures, '<', 0.3),
            // Someone who left long ago is dormant, not at risk.
            { type: 'event', event: only('$any'), op: 'did', when: { type: 'last', days: 30 } },
          ],
        },
        'Fewer than 2 logins a week and below 30% of the core features used over 28 days, yet active in the last 30 days.',
      ),
  },
  {
    id: 'dormant',
    name: 'Dormant',
    description: 'No activity in the last 30 days',
    needs: [],
    build: () =>
      dynamic(
        { type: 'event', event: only('$any'), op: 'did not', when: { type: 'last', days: 30 } },
        'No event of any kind in the 30 days up to the as-of day.',
      ),
  },
  {
    id: 'high-value',
    name: 'High-value purchasers',
    description: 'Revenue over 90 days at or above a level you set',
    needs: ['purchase', 'revenueProperty', 'minRevenue'],
    build: (i) =>
      dynamic(
        {
          type: 'metric',
          metric: {
            name: 'revenue_90d',
            label: `${i.revenueProperty} of ${i.purchase}`,
            type: 'property',
            events: [only(i.purchase)],
            property: i.revenueProperty,
            agg: 'sum',
          },
          days: 90,
          op: '>=',
          value: i.minRevenue,
        },
        `At least ${i.minRevenue} of ${i.revenueProperty} on ${i.purchase} in the 90 days up to the as-of day.`,
      ),
  },
  {
    id: 'trial-not-engaged',
    name: 'Trial, not engaged after day 3',
    description: 'Started a trial, and used no core feature from its 4th day on',
    needs: ['trialStart', 'coreFeatures'],
    build: (i) =>
      dynamic(
        {
          all: [
            { type: 'event', event: i.trialStart, op: 'did', when: { type: 'ever' } },
            ...i.coreFeatures.map((f): SegmentRule => ({
              type: 'event',
              event: only(f),
              op: 'did not',
              when: { type: 'sinceStart', from: 3, start: i.trialStart },
            })),
          ],
        },
        'Started a trial and did none of the core features from day 3 after its start on.',
      ),
  },
];
