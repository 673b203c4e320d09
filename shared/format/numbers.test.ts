import { describe, expect, it } from 'vitest';
import { formatCompact, formatCount, formatDuration, formatPercent, formatValue } from './numbers';

describe('formatCount', () => {
  it('groups thousands and keeps one decimal for a mean of counts', () => {
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatCount(0)).toBe('0');
    expect(formatCount(653.3636)).toBe('653.4');
    expect(formatCount(-2084)).toBe('-2,084');
    expect(formatCount(null)).toBe('–');
    expect(formatCount(Number.NaN)).toBe('–');
  });
});

describe('formatValue', () => {
  it('shows sums and averages without float noise', () => {
    expect(formatValue(1600.1200000000003)).toBe('1,600.12');
    expect(formatValue(33640.37)).toBe('33,640.37');
    expect(formatValue(1.0909)).toBe('1.09');
    expect(formatValue(42)).toBe('42');
    expect(formatValue(0)).toBe('0');
    expect(formatValue(undefined)).toBe('–');
  });
  it('keeps small values from rounding to zero', () => {
    expect(formatValue(0.12345)).toBe('0.123');
    expect(formatValue(0.001234)).toBe('0.00123');
    expect(formatValue(-0.5)).toBe('-0.5');
  });
});

describe('formatPercent', () => {
  it('writes shares as percentages with one decimal', () => {
    expect(formatPercent(0.11)).toBe('11.0%');
    expect(formatPercent(0.4567)).toBe('45.7%');
    expect(formatPercent(1)).toBe('100%');
    expect(formatPercent(0)).toBe('0%');
    expect(formatPercent(0.0999)).toBe('10.0%');
    expect(formatPercent(1.25)).toBe('125.0%');
    expect(formatPercent(null)).toBe('–');
  });
  it('uses enough digits for small rates', () => {
    expect(formatPercent(0.001)).toBe('0.1%');
    expect(formatPercent(0.002)).toBe('0.2%');
    expect(formatPercent(0.0042)).toBe('0.42%');
    expect(formatPercent(0.00042)).toBe('0.042%');
    expect(formatPercent(0.015)).toBe('1.5%');
  });
  it('trims round axis ticks', () => {
    expect([0, 0.05, 0.1, 0.125, 0.002].map((v) => formatPercent(v, { trim: true }))).toEqual([
      '0%',
      '5%',
      '10%',
      '12.5%',
      '0.2%',
    ]);
  });
});

describe('formatCompact', () => {
  it('shortens large numbers for axes and cells', () => {
    expect(formatCompact(950)).toBe('950');
    expect(formatCompact(1234)).toBe('1.2K');
    expect(formatCompact(3_450_000)).toBe('3.5M');
    expect(formatCompact(999_960)).toBe('1M');
    expect(formatCompact(2_000_000_000)).toBe('2B');
    expect(formatCompact(-12_500)).toBe('-12.5K');
    expect(formatCompact(282.68)).toBe('282.68');
  });
});

describe('formatDuration', () => {
  it('says durations in their two largest units', () => {
    expect(formatDuration(697_774.13)).toBe('8d 1h');
    expect(formatDuration(2 * 86_400 + 4 * 3_600 + 59)).toBe('2d 4h');
    expect(formatDuration(200)).toBe('3m 20s');
    expect(formatDuration(45)).toBe('45s');
    expect(formatDuration(45.9)).toBe('45s');
    expect(formatDuration(3_600)).toBe('1h');
    expect(formatDuration(3_661)).toBe('1h 1m');
    expect(formatDuration(86_400 * 400)).toBe('400d');
  });
  it('handles nothing, zero, fractions of a second and negatives', () => {
    expect(formatDuration(null)).toBe('–');
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(0.42)).toBe('0.42s');
    expect(formatDuration(0.004)).toBe('<0.01s');
    expect(formatDuration(-90)).toBe('-1m 30s');
  });
});
