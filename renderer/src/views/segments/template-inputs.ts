import type { WorkspaceInfo } from '../../../../shared/api/workspace-types';
import type { TemplateInputs } from '../../../../shared/specs/segment-templates';

/*
 * First guesses for a template's inputs from the workspace's own event names, which the
 * analyst then confirms: exports name a login app_opened, session_start or Login.
 */

type Info = Pick<WorkspaceInfo, 'eventTypes' | 'properties'>;

const LOGIN = ['login', 'log_in', 'signin', 'sign_in', 'session', 'open', 'visit', 'launch'];
const PURCHASE = ['purchase', 'order', 'checkout', 'payment', 'paid', 'subscription_started'];
const TRIAL = ['trial', 'signed_up', 'sign_up', 'signup', 'register', 'account_created'];
const REVENUE = ['revenue', 'amount', 'price', 'value', 'total'];
/** Lifecycle events that are milestones, not the product's features. */
const NOT_FEATURES = [
  'sign',
  'register',
  'onboard',
  'profile',
  'plan',
  'subscription',
  'cancel',
  'support',
  'purchase',
  'order',
  'checkout',
  'payment',
  'trial',
  'upgrade',
];
const NUMERIC = /INT|DOUBLE|FLOAT|DECIMAL|REAL|NUMERIC|BIGINT|HUGEINT/i;

/** The most frequent event whose name holds one of the words (earlier words first). */
function firstNamed(events: string[], words: string[]): string | undefined {
  for (const word of words) {
    const hit = events.find((e) => e.toLowerCase().includes(word));
    if (hit !== undefined) return hit;
  }
  return undefined;
}

export function guessTemplateInputs(info: Info): TemplateInputs {
  // Most frequent first.
  const events = [...info.eventTypes].sort((a, b) => b.events - a.events).map((t) => t.event);
  const login = firstNamed(events, LOGIN) ?? events[0] ?? '';
  const purchase = firstNamed(events, PURCHASE) ?? '';
  const trial = firstNamed(events, TRIAL) ?? events[events.length - 1] ?? '';
  const coreFeatures = events
    .filter((e) => e !== login && e !== purchase && e !== trial)
    .filter((e) => !NOT_FEATURES.some((w) => e.toLowerCase().includes(w)))
    .slice(0, 4);
  const numeric = info.properties.filter((p) => NUMERIC.test(p.type)).map((p) => p.name);
  const revenueProperty =
    REVENUE.map((w) => numeric.find((p) => p.toLowerCase().includes(w))).find(
      (p) => p !== undefined,
    ) ??
    numeric[0] ??
    '';
  return {
    login,
    coreFeatures: coreFeatures.length > 0 ? coreFeatures : events.slice(0, 1),
    purchase,
    revenueProperty,
    minRevenue: 100,
    trialStart: { event: trial, where: [] },
  };
}
