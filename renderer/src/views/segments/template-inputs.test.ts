import { describe, expect, it } from 'vitest';
import { guessTemplateInputs } from './template-inputs';

const types = (counts: Record<string, number>) =>
  Object.entries(counts).map(([event, events]) => ({
    event,
    events,
    users: 1,
    firstSeen: '',
    lastSeen: '',
  }));

describe('guessTemplateInputs', () => {
  it('guesses the demo workspace’s login, core features, purchase and trial start', () => {
    const guess = guessTemplateInputs({
      eventTypes: types({
        dashboard_viewed: 433_016,
        search_performed: 253_660,
        report_created: 189_737,
        comment_added: 152_397,
        app_opened: 149_138,
        report_shared: 101_709,
        signed_up: 20_000,
        onboarding_started: 18_202,
        plan_upgraded: 1_680,
        purchase_completed: 799,
      }),
      properties: [
        { name: 'plan', type: 'VARCHAR' },
        { name: 'revenue', type: 'DOUBLE' },
      ],
    });
    expect(guess.login).toBe('app_opened');
    expect(guess.coreFeatures).toEqual([
      'dashboard_viewed',
      'search_performed',
      'report_created',
      'comment_added',
    ]);
    expect(guess.purchase).toBe('purchase_completed');
    expect(guess.revenueProperty).toBe('revenue');
    expect(guess.trialStart).toEqual({ event: 'signed_up', where: [] });
  });
  it('falls back to the most frequent event where no name matches', () => {
    const guess = guessTemplateInputs({ eventTypes: types({ a: 5, b: 9 }), properties: [] });
    expect(guess.login).toBe('b');
    expect(guess.purchase).toBe('');
    expect(guess.revenueProperty).toBe('');
    expect(guess.coreFeatures.length).toBeGreaterThan(0);
  });
});
