import { z } from 'zod';
import { SeatTypes } from '../../core/domain.js';
import { PriceRuleKinds, PROMO_CODE_PATTERN, PromoKinds, TicketTypeCodes } from '../../core/pricing.js';
import { BodyId } from './admin.js';
import { Currency, Instant, Money, page } from './common.js';
import { InstantInput, pagination } from './params.js';
import { TicketTypeCode } from './checkout.js';

/** Ticket types, their per-showtime overrides, promo codes and revenue by ticket type: the admin's side of docs/pricing.md. */

const MAX_MONEY = 1_000_000;

const percentAtMost100 = (r: { kind: string; value?: number | undefined }): boolean => r.kind !== 'percent' || r.value === undefined || r.value <= 100;

export const PriceRuleSchema = z
  .object({
    kind: z.enum(PriceRuleKinds),
    value: z.number().int().min(0).max(MAX_MONEY).meta({ description: 'percent: 0–100 of the adult price; fixed: minor units of the showtime’s currency (capped at the adult price)' }),
  })
  .strict()
  .refine(percentAtMost100, { message: 'a percent rule is between 0 and 100', path: ['value'] })
  .meta({ id: 'PriceRule', example: { kind: 'percent', value: 70 } });

const RulesInput = z
  .object(Object.fromEntries(SeatTypes.map((t) => [t, PriceRuleSchema.optional()])) as Record<(typeof SeatTypes)[number], z.ZodOptional<typeof PriceRuleSchema>>)
  .strict()
  .meta({ description: 'A rule per seat type; seat types not named keep theirs' });

const RulesOutput = z.record(z.enum(SeatTypes), PriceRuleSchema.nullable()).meta({ description: 'The rule per seat type (null: none, the adult price)' });

export const TicketTypeParams = z.object({ code: z.enum(TicketTypeCodes) });

export const TicketTypeSchema = z
  .object({ code: TicketTypeCode, name: z.string(), onSale: z.boolean(), rules: RulesOutput })
  .meta({ id: 'TicketType' });
export const TicketTypeList = z.object({ items: z.array(TicketTypeSchema) }).meta({ id: 'TicketTypeList' });

export const TicketTypePatchBody = z
  .object({ onSale: z.boolean().optional(), rules: RulesInput.optional() })
  .strict()
  .meta({ id: 'TicketTypePatch', example: { onSale: true, rules: { vip: { kind: 'fixed', value: 900 } } } });

export const ShowtimeTicketTypes = z
  .object({
    showtimeId: z.number().int(),
    items: z.array(
      TicketTypeSchema.extend({
        overridden: z.object({ onSale: z.boolean(), seatTypes: z.array(z.enum(SeatTypes)) }).meta({ description: 'What this showtime sets itself instead of the default' }),
      }),
    ),
  })
  .meta({ id: 'ShowtimeTicketTypes' });

export const ShowtimeTicketTypesBody = z
  .object({
    overrides: z
      .array(z.object({ code: TicketTypeCode, onSale: z.boolean().optional(), rules: RulesInput.optional() }).strict())
      .max(TicketTypeCodes.length)
      .refine((list) => new Set(list.map((o) => o.code)).size === list.length, 'each ticket type at most once'),
  })
  .strict()
  .meta({
    id: 'ShowtimeTicketTypesInput',
    description: 'Replaces every override of the showtime ([] = follow the defaults)',
    example: { overrides: [{ code: 'child', rules: { regular: { kind: 'fixed', value: 500 } } }, { code: 'senior', onSale: false }] },
  });

const uniqueIds = (ids: number[]): boolean => new Set(ids).size === ids.length;
const Ids = z.array(BodyId).max(100).refine(uniqueIds, 'ids must be unique');
const windowOrdered = (p: { validFrom?: string | null | undefined; validUntil?: string | null | undefined }): boolean =>
  !p.validFrom || !p.validUntil || Date.parse(p.validUntil) > Date.parse(p.validFrom);

const promoFields = {
  code: z.string().trim().regex(PROMO_CODE_PATTERN, '3–32 letters, digits, - or _, starting with a letter or digit').meta({ description: 'Case-insensitive; stored in capitals', example: 'SUMMER10' }),
  kind: z.enum(PromoKinds),
  value: z.number().int().min(1).max(MAX_MONEY).meta({ description: 'percent: 1–100 off the lines’ total; fixed: minor units off it' }),
  maxRedemptions: z
    .number()
    .int()
    .min(1)
    .max(MAX_MONEY)
    .nullable()
    .meta({ description: 'How many bookings may have it, over all customers (open checkouts and confirmed bookings; one that expired, was cancelled or refunded gives its redemption back); null: no limit' }),
  perUserLimit: z.number().int().min(1).max(1000).nullable().meta({ description: 'How many of those one customer may have; null: no limit' }),
  validFrom: InstantInput.nullable().meta({ description: 'First instant a hold may redeem it; null: now' }),
  validUntil: InstantInput.nullable().meta({ description: 'Exclusive end; null: no end' }),
  movieIds: Ids.meta({ description: 'Valid for every showtime of these movies (and those of showtimeIds); both empty: every showtime' }),
  showtimeIds: Ids.meta({ description: 'Valid for these showtimes (and those of movieIds)' }),
  active: z.boolean().meta({ description: 'false: refused as unknown (a deleted code that has redemptions stays, inactive)' }),
};

const percentValue = (p: { kind?: string | undefined; value?: number | undefined }): boolean => p.kind !== 'percent' || p.value === undefined || p.value <= 100;
const percentMessage = { message: 'a percent code takes 1–100', path: ['value'] };
const windowMessage = { message: 'validUntil must be after validFrom', path: ['validUntil'] };

export const PromoCodeCreateBody = z
  .object({
    code: promoFields.code,
    kind: promoFields.kind,
    value: promoFields.value,
    maxRedemptions: promoFields.maxRedemptions.optional(),
    perUserLimit: promoFields.perUserLimit.optional(),
    validFrom: promoFields.validFrom.optional(),
    validUntil: promoFields.validUntil.optional(),
    movieIds: promoFields.movieIds.default([]),
    showtimeIds: promoFields.showtimeIds.default([]),
    active: promoFields.active.default(true),
  })
  .strict()
  .refine(percentValue, percentMessage)
  .refine(windowOrdered, windowMessage)
  .meta({ id: 'PromoCodeInput', example: { code: 'SUMMER10', kind: 'percent', value: 10, maxRedemptions: 500, perUserLimit: 1, validUntil: '2026-09-01T00:00:00Z' } });

export const PromoCodePatchBody = z
  .object(promoFields)
  .partial()
  .strict()
  .refine(percentValue, percentMessage)
  .refine(windowOrdered, windowMessage)
  .meta({ id: 'PromoCodePatch' });

export const PromoCodeSchema = z
  .object({
    id: z.number().int(),
    code: z.string(),
    kind: z.enum(PromoKinds),
    value: z.number().int(),
    maxRedemptions: z.number().int().nullable(),
    perUserLimit: z.number().int().nullable(),
    validFrom: Instant.nullable(),
    validUntil: Instant.nullable(),
    movieIds: z.array(z.number().int()),
    showtimeIds: z.array(z.number().int()),
    active: z.boolean(),
    redemptions: z.number().int().meta({ description: 'Redemptions in use: by open checkouts and confirmed bookings' }),
    createdAt: Instant,
    updatedAt: Instant,
  })
  .meta({ id: 'PromoCode' });

export const PromoCodePage = page(PromoCodeSchema).meta({ id: 'PromoCodePage' });
export const PromoCodeQuery = pagination(50, 100).extend({ active: z.enum(['true', 'false']).optional().meta({ description: 'Only active (or inactive) codes' }) });

export const RevenueByTicketTypeReport = z
  .object({
    from: z.string(),
    to: z.string(),
    items: z.array(
      z.object({
        currency: Currency,
        ticketType: TicketTypeCode,
        name: z.string(),
        seats: z.number().int().meta({ description: 'Seats of CONFIRMED bookings sold as this type' }),
        gross: Money.meta({ description: 'Their prices as this type, before discounts' }),
        discount: Money.meta({ description: 'Their share of promo discounts' }),
        revenue: Money.meta({ description: 'gross − discount' }),
        refundedSeats: z.number().int().meta({ description: 'Seats of REFUNDED bookings (not in revenue)' }),
        refundedAmount: Money,
      }),
    ),
    totals: z.array(
      z.object({ currency: Currency, seats: z.number().int(), gross: Money, discount: Money, revenue: Money, refundedSeats: z.number().int(), refundedAmount: Money }),
    ),
  })
  .meta({ id: 'RevenueByTicketTypeReport' });
