import { describe, expect, it } from 'vitest';
import { chartData } from '../../analysis/chart-parts';
import { historyOption } from './history-chart';
import { sizeWords } from './segment-words';

describe('historyOption', () => {
  it('draws members, entered and left (below the axis), none before the first point', () => {
    const option = historyOption([
      {
        period: '2024-02-26',
        asOf: '2024-03-03',
        members: 100,
        population: 900,
        entered: null,
        left: null,
      },
      {
        period: '2024-03-04',
        asOf: '2024-03-10',
        members: 110,
        population: 950,
        entered: 30,
        left: 20,
      },
    ]);
    expect(chartData(option)).toEqual([
      { series: 'members', values: [100, 110] },
      { series: 'entered', values: [null, 30] },
      { series: 'left', values: [null, -20] },
    ]);
  });
});

describe('sizeWords', () => {
  it('says the size, its share of the population and the day', () => {
    expect(sizeWords({ members: 1234, population: 9876, asOf: '2024-03-07' })).toBe(
      '1,234 of 9,876 users (12.5%) as of 2024-03-07',
    );
    expect(sizeWords({ members: 1, population: null, asOf: null })).toBe('1 user');
    expect(sizeWords({ members: 0, population: 0, asOf: '2024-03-07' })).toBe(
      '0 of 0 users (–) as of 2024-03-07',
    );
  });
});
