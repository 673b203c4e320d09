import { describe, expect, it } from 'vitest';
import { formatCell, formatElapsed, formatRange, formatTime } from './cells';
import { truncateLabel } from './text';

describe('cells of unknown meaning', () => {
  it('groups numbers without float noise', () => {
    expect(formatCell(1234567)).toBe('1,234,567');
    expect(formatCell(1600.1200000000003)).toBe('1,600.12');
    expect(formatCell(0.12345)).toBe('0.123');
    expect(formatCell(null)).toBe('–');
    expect(formatCell('a')).toBe('a');
    expect(formatCell({ a: 1 })).toBe('{"a":1}');
    expect(formatCell(12n ** 20n)).toBe('3,833,759,992,447,475,122,176');
  });
  it('shows timestamps with an even number of fraction digits', () => {
    expect(formatCell('2026-07-26 00:32:50.82')).toBe('2026-07-26 00:32:50.820');
    expect(formatCell('2026-07-26 00:32:50.874')).toBe('2026-07-26 00:32:50.874');
    expect(formatCell('2026-07-26 00:32:50.97687')).toBe('2026-07-26 00:32:50.976870');
    expect(formatCell('2026-07-26 00:32:50')).toBe('2026-07-26 00:32:50');
    expect(formatCell('12.5')).toBe('12.5');
  });
  it('formats times, ranges and how long a computation took', () => {
    expect(formatTime('2024-03-01 09:05:07')).toBe('2024-03-01 09:05');
    expect(formatTime('2024-03-01')).toBe('2024-03-01');
    expect(formatRange({ from: '2024-03-01 00:00:00', to: '2024-03-31 10:00:00' })).toBe(
      '2024-03-01 → 2024-03-31',
    );
    expect(formatRange(null)).toBe('no events yet');
    expect(formatElapsed(0.0421)).toBe('42 ms');
    expect(formatElapsed(3.25)).toBe('3.3 s');
    expect(formatElapsed(75)).toBe('1 min 15 s');
    expect(formatElapsed(119.7)).toBe('2 min');
  });
});

describe('truncateLabel', () => {
  it('cuts long labels with an ellipsis, whole characters only', () => {
    expect(truncateLabel('United States', 20)).toBe('United States');
    expect(truncateLabel('Enterprise (annual, invoiced)', 12)).toBe('Enterprise …');
    expect(truncateLabel('日本語のラベル', 4)).toBe('日本語…');
  });
});
