/**
 * A length of time written the way people write it in config: `'15m'`,
 * `'8h'`, `'3d'`, `'1w'`, `'500ms'`, combinations such as `'1h30m'`, or ISO 8601
 * (`'PT8H'`, `'P3D'`, `'P1DT2H'`). Months and years are refused: their length
 * depends on the calendar.
 */
export type Duration = string;

const UNIT_MS = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
} as const;

const SHORT_FORM = /^(?:(\d{1,6})w)?(?:(\d{1,6})d)?(?:(\d{1,6})h)?(?:(\d{1,6})m)?(?:(\d{1,6})s)?(?:(\d{1,6})ms)?$/;
const ISO_FORM = /^P(?:(\d{1,6})W)?(?:(\d{1,6})D)?(?:T(?:(\d{1,6})H)?(?:(\d{1,6})M)?(?:(\d{1,6})S)?)?$/;

/**
 * Parses a {@link Duration} into milliseconds, or returns `undefined` when the
 * text is not a duration. Zero-length durations are allowed (`'0m'`).
 */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed === 'P' || trimmed.endsWith('T')) return undefined;
  const match = SHORT_FORM.exec(trimmed) ?? ISO_FORM.exec(trimmed.toUpperCase());
  if (!match) return undefined;
  const [, weeks, days, hours, minutes, seconds, milliseconds] = match;
  const parts: [string | undefined, number][] = [
    [weeks, UNIT_MS.w],
    [days, UNIT_MS.d],
    [hours, UNIT_MS.h],
    [minutes, UNIT_MS.m],
    [seconds, UNIT_MS.s],
    [milliseconds, UNIT_MS.ms],
  ];
  if (parts.every(([value]) => value === undefined)) return undefined;
  return parts.reduce((total, [value, unit]) => total + (value === undefined ? 0 : Number(value) * unit), 0);
}

/** Formats milliseconds as the short form (`90m` → `'1h30m'`), for messages and docs. */
export function formatDuration(ms: number): Duration {
  if (ms === 0) return '0m';
  let rest = Math.round(ms / 1_000) * 1_000;
  let text = '';
  for (const unit of ['w', 'd', 'h', 'm', 's'] as const satisfies readonly (keyof typeof UNIT_MS)[]) {
    const count = Math.floor(rest / UNIT_MS[unit]);
    if (count > 0) {
      text += `${count}${unit}`;
      rest -= count * UNIT_MS[unit];
    }
  }
  return text || '0s';
}
