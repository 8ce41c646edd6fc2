import { changedFields } from '../../../core/audit.js';
import { conflict, notFound, unprocessable, validationFailed } from '../../../core/errors.js';
import { normalizePromoCode } from '../../../core/pricing.js';
import * as promos from '../../../db/promo-codes.js';
import { inTransaction, isDuplicateKey, type Sql } from '../../../db/sql.js';
import type { AppDeps } from '../../deps.js';
import { route } from '../../route.js';
import { IdParams } from '../../schemas/common.js';
import { PromoCodeCreateBody, PromoCodePage, PromoCodePatchBody, PromoCodeQuery, PromoCodeSchema } from '../../schemas/pricing.js';
import { audited, errorReply, tags } from './support.js';

/**
 * Promo codes (docs/pricing.md). Changes take the code's row lock, the lock
 * a hold redeeming the code takes, so a change and a redemption never
 * interleave. A code that any booking redeemed is never deleted (the booking
 * names it): DELETE deactivates it instead.
 */

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

const view = (p: promos.PromoCode) => ({
  id: p.id,
  code: p.code,
  kind: p.kind,
  value: p.value,
  maxRedemptions: p.maxRedemptions,
  perUserLimit: p.perUserLimit,
  validFrom: iso(p.validFrom),
  validUntil: iso(p.validUntil),
  movieIds: p.movieIds,
  showtimeIds: p.showtimeIds,
  active: p.active,
  redemptions: p.redemptions,
  createdAt: p.createdAt.toISOString(),
  updatedAt: p.updatedAt.toISOString(),
});

const date = (s: string | null | undefined): Date | null => (s ? new Date(s) : null);

async function assertScopeExists(tx: Sql, f: promos.PromoCodeFields): Promise<void> {
  const unknown = await promos.unknownScope(tx, f.movieIds, f.showtimeIds);
  if (unknown.movieIds.length > 0 || unknown.showtimeIds.length > 0) {
    throw unprocessable('Some movies or showtimes of the scope do not exist', { unknownMovieIds: unknown.movieIds, unknownShowtimeIds: unknown.showtimeIds });
  }
}

/** A code's scope lists are sets: the order they were sent in is no change. */
const asSets = (f: promos.PromoCodeFields): promos.PromoCodeFields => ({
  ...f,
  movieIds: [...f.movieIds].sort((a, b) => a - b),
  showtimeIds: [...f.showtimeIds].sort((a, b) => a - b),
});

const duplicate = (code: string) => conflict(`A promo code ${code} exists already`, { field: 'code', code });

async function saved(deps: AppDeps, id: number) {
  const p = await promos.get(deps.ds, id);
  if (!p) throw notFound('promo code', id);
  return view(p);
}

export const adminPromoCodeRoutes = [
  route({
    method: 'post',
    path: '/admin/promo-codes',
    summary: 'Create a promo code',
    tags,
    auth: 'admin',
    body: PromoCodeCreateBody,
    responses: {
      201: { description: 'The new code', schema: PromoCodeSchema },
      409: errorReply('A code with this text exists (codes are case-insensitive)'),
      422: errorReply('A movie or showtime of the scope does not exist'),
    },
    handler: async (input, deps) => {
      const { body } = input;
      const fields: promos.PromoCodeFields = {
        code: normalizePromoCode(body.code),
        kind: body.kind,
        value: body.value,
        maxRedemptions: body.maxRedemptions ?? null,
        perUserLimit: body.perUserLimit ?? null,
        validFrom: date(body.validFrom),
        validUntil: date(body.validUntil),
        movieIds: body.movieIds,
        showtimeIds: body.showtimeIds,
        active: body.active,
      };
      const id = await inTransaction(deps.ds, async (tx) => {
        await assertScopeExists(tx, fields);
        const created = await promos.create(tx, fields, deps.clock.now());
        await audited(tx, deps, input, { action: 'promo-code.create', resourceId: created, changes: { ...fields } });
        return created;
      }).catch((e: unknown) => {
        throw isDuplicateKey(e) ? duplicate(fields.code) : e;
      });
      return { status: 201, headers: { Location: `/api/v1/admin/promo-codes/${id}` }, body: await saved(deps, id) };
    },
  }),

  route({
    method: 'get',
    path: '/admin/promo-codes',
    summary: 'Promo codes, newest first',
    tags,
    auth: 'admin',
    query: PromoCodeQuery,
    responses: { 200: { description: 'A page of codes with their redemptions in use', schema: PromoCodePage } },
    handler: async ({ query }, deps) => {
      const active = query.active === undefined ? undefined : query.active === 'true';
      const result = await promos.list(deps.ds, { active, limit: query.limit, offset: query.offset });
      return { body: { items: result.items.map(view), total: result.total, limit: query.limit, offset: query.offset } };
    },
  }),

  route({
    method: 'get',
    path: '/admin/promo-codes/:id',
    summary: 'A promo code, with its redemptions in use',
    tags,
    auth: 'admin',
    params: IdParams,
    responses: { 200: { description: 'The code', schema: PromoCodeSchema } },
    handler: async ({ params }, deps) => ({ body: await saved(deps, params.id) }),
  }),

  route({
    method: 'patch',
    path: '/admin/promo-codes/:id',
    summary: 'Change a promo code (only the fields sent; movieIds/showtimeIds replace the lists)',
    tags,
    auth: 'admin',
    params: IdParams,
    body: PromoCodePatchBody,
    responses: {
      200: { description: 'The code; redemptions already taken keep their discount', schema: PromoCodeSchema },
      409: errorReply('Another code has this text'),
      422: errorReply('A movie or showtime of the scope does not exist'),
    },
    handler: async (input, deps) => {
      const { params, body } = input;
      await inTransaction(deps.ds, async (tx) => {
        const current = await promos.lockById(tx, params.id);
        if (!current) throw notFound('promo code', params.id);
        const fields: promos.PromoCodeFields = {
          code: body.code !== undefined ? normalizePromoCode(body.code) : current.code,
          kind: body.kind ?? current.kind,
          value: body.value ?? current.value,
          maxRedemptions: body.maxRedemptions !== undefined ? body.maxRedemptions : current.maxRedemptions,
          perUserLimit: body.perUserLimit !== undefined ? body.perUserLimit : current.perUserLimit,
          validFrom: body.validFrom !== undefined ? date(body.validFrom) : current.validFrom,
          validUntil: body.validUntil !== undefined ? date(body.validUntil) : current.validUntil,
          movieIds: body.movieIds ?? current.movieIds,
          showtimeIds: body.showtimeIds ?? current.showtimeIds,
          active: body.active ?? current.active,
        };
        // The fields sent are valid on their own (the schema); together with those kept they must be too.
        const issues = [
          ...(fields.kind === 'percent' && fields.value > 100 ? [{ path: 'value', message: 'a percent code takes 1–100' }] : []),
          ...(fields.validFrom && fields.validUntil && fields.validUntil <= fields.validFrom ? [{ path: 'validUntil', message: 'validUntil must be after validFrom' }] : []),
        ];
        if (issues.length > 0) throw validationFailed('Invalid body', { in: 'body', issues });
        await assertScopeExists(tx, fields);
        const changes = changedFields(asSets(current), asSets(fields));
        if (Object.keys(changes).length === 0) return;
        await promos.update(tx, params.id, fields, deps.clock.now());
        await audited(tx, deps, input, { action: 'promo-code.update', resourceId: params.id, changes });
      }).catch((e: unknown) => {
        throw isDuplicateKey(e) ? duplicate(normalizePromoCode(body.code ?? '')) : e;
      });
      return { body: await saved(deps, params.id) };
    },
  }),

  route({
    method: 'delete',
    path: '/admin/promo-codes/:id',
    summary: 'Delete a promo code; one that bookings redeemed is deactivated instead',
    tags,
    auth: 'admin',
    params: IdParams,
    responses: {
      200: { description: 'Deactivated: bookings redeemed it, so it stays (active false) and is refused as unknown from now on', schema: PromoCodeSchema },
      204: { description: 'Deleted: it was never redeemed' },
    },
    handler: async (input, deps) => {
      const { params } = input;
      const outcome = await inTransaction(deps.ds, async (tx) => {
        const current = await promos.lockById(tx, params.id);
        if (!current) throw notFound('promo code', params.id);
        const redeemed = await promos.everRedeemed(tx, params.id);
        if (redeemed) await promos.update(tx, params.id, { ...current, active: false }, deps.clock.now());
        else await promos.remove(tx, params.id);
        const outcome = redeemed ? ('deactivated' as const) : ('deleted' as const);
        await audited(tx, deps, input, { action: 'promo-code.delete', resourceId: params.id, changes: { code: current.code, outcome } });
        return outcome;
      });
      return outcome === 'deleted' ? { status: 204 } : { body: await saved(deps, params.id) };
    },
  }),
];
