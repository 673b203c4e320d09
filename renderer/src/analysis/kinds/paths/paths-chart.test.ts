import { describe, expect, it } from 'vitest';
import type { PathsResult } from '../../../../../shared/specs/paths';
import { pathStepWords } from './chart';

const result = (direction: PathsResult['direction']): PathsResult => ({
  kind: 'paths',
  direction,
  nodes: [],
  links: [],
  sessions: 0,
  sampled: null,
});

describe('paths chart', () => {
  it('names the anchor as the start or the end event, and counts steps from it', () => {
    expect(pathStepWords(result('forward'), 0)).toBe('start');
    expect(pathStepWords(result('forward'), 2)).toBe('step 2');
    expect(pathStepWords(result('backward'), 0)).toBe('end');
    expect(pathStepWords(result('backward'), -2)).toBe('2 before the end');
  });
});
