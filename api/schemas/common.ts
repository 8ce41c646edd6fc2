import { z } from 'zod';
import { ErrorCodes } from '../../core/errors.js';

export const ErrorResponse = z
  .object({
    error: z.object({
      code: z.enum(ErrorCodes),
      message: z.string(),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  })
  .meta({ id: 'Error' });

export const IntId = z.coerce.number().int().positive().max(2_147_483_647);

export const IdParams = z.object({ id: IntId });

export const Pagination = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

export const page = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), total: z.number().int(), limit: z.number().int(), offset: z.number().int() });

/** ISO 8601 instant with an offset, e.g. 2026-12-01T18:30:00Z. */
export const Instant = z.iso.datetime({ offset: true });

/** A calendar day, e.g. 2026-12-01 (UTC). */
export const Day = z.iso.date();

export const Money = z.number().int().min(0).meta({ description: 'Integer minor units (cents)' });
export const Currency = z.string().length(3).meta({ example: 'USD' });
