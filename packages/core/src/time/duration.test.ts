import { expect, test } from 'vitest';
import { manualClock } from './clock.js';
import { formatDuration, parseDuration } from './duration.js';

test.each([
  ['15m', 900_000],
  ['8h', 28_800_000],
  ['3d', 259_200_000],
  ['1w', 604_800_000],
  ['1h30m', 5_400_000],
  ['45s', 45_000],
  ['250ms', 250],
  ['1s500ms', 1_500],
  ['5m', 300_000],
  ['0m', 0],
  ['PT8H', 28_800_000],
  ['P3D', 259_200_000],
  ['P1DT2H30M', 95_400_000],
  ['pt15m', 900_000],
  ['P2W', 1_209_600_000],
])('parses %s', (text, ms) => {
  expect(parseDuration(text)).toBe(ms);
});

test.each([
  '',
  '15',
  'm',
  'ms',
  '500sm',
  '1ms5s',
  '15 minutes',
  '1y',
  'P1M',
  'P',
  'PT',
  '1h 30m',
  '-1h',
  '1.5h',
  'P1DT',
  '9999999h',
])('refuses %j', (text) => {
  expect(parseDuration(text)).toBeUndefined();
});

test('formats milliseconds in the short form', () => {
  expect(formatDuration(5_400_000)).toBe('1h30m');
  expect(formatDuration(694_800_000)).toBe('1w1d1h');
  expect(formatDuration(0)).toBe('0m');
});

test('a manual clock moves only when told', () => {
  const clock = manualClock('2026-03-02T09:00:00Z');
  expect(clock.now().toISOString()).toBe('2026-03-02T09:00:00.000Z');
  clock.advance('1h30m');
  clock.advance(1_000);
  expect(clock.now().toISOString()).toBe('2026-03-02T10:30:01.000Z');
  clock.set('2027-01-01T00:00:00Z');
  expect(clock.now().getUTCFullYear()).toBe(2027);
  expect(() => clock.advance('soon')).toThrow(/not a duration/);
  expect(() => manualClock('not a date')).toThrow(/not an instant/);
});
