import type { PresetId } from '../../../../shared/api/import-types';
import { amplitude } from './amplitude';
import { ga4 } from './ga4';
import { generic } from './generic';
import { mixpanel } from './mixpanel';
import { posthog } from './posthog';
import type { Preset, PresetContext } from './preset';
import { segment } from './segment';
import { transactions } from './transactions';

export const PRESETS: Record<PresetId, Preset> = {
  mixpanel,
  amplitude,
  segment,
  posthog,
  ga4,
  transactions,
  generic,
};

/** Every preset's score for this file, best first (generic always last among equals). */
export function rankPresets(ctx: PresetContext): { preset: PresetId; score: number }[] {
  return Object.values(PRESETS)
    .map((p) => ({ preset: p.id, score: p.score(ctx) }))
    .sort((a, b) => b.score - a.score);
}
