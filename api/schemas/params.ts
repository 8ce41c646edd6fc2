import { z } from 'zod';
import { Day, Instant } from './common.js';

/**
 * Inputs shared by several resources. Calendar days and instants are bounded
 * to years 1900–2999 so that day arithmetic and MySQL DATETIME never see a
 * value they cannot hold (a wild year is a 400, not a 500).
 */
const MIN_YEAR = 1900;
const MAX_YEAR = 2999;
const yearInRange = (s: string): boolean => {
  const t = Date.parse(s.length === 10 ? `${s}T00:00:00Z` : s);
  if (Number.isNaN(t)) return false;
  const y = new Date(t).getUTCFullYear();
  return y >= MIN_YEAR && y <= MAX_YEAR;
};
const yearMessage = `year must be between ${MIN_YEAR} and ${MAX_YEAR}`;

/** A calendar day (UTC), e.g. 2026-12-01. */
export const DayParam = Day.refine(yearInRange, yearMessage);

/** An instant with an explicit offset, e.g. 2026-12-01T18:30:00Z. */
export const InstantInput = Instant.refine(yearInRange, yearMessage);

/** `?limit&offset` with a resource-specific default and maximum page size. */
export const pagination = (defaultLimit = 20, maxLimit = 100) =>
  z.object({
    limit: z.coerce.number().int().min(1).max(maxLimit).default(defaultLimit),
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  });

const DAY_MS = 86_400_000;

/** [start of day, start of next day) in UTC for a YYYY-MM-DD string. */
export function utcDayRange(day: string): [Date, Date] {
  const start = new Date(`${day}T00:00:00.000Z`);
  return [start, new Date(start.getTime() + DAY_MS)];
}

export const startOfUtcDay = (d: Date): Date => new Date(Math.floor(d.getTime() / DAY_MS) * DAY_MS);

export const dayString = (d: Date): string => d.toISOString().slice(0, 10);

export const addDays = (d: Date, days: number): Date => new Date(d.getTime() + days * DAY_MS);
