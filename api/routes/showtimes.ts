import { SeatTypes, seatPrice } from '../../core/domain.js';
import { notFound } from '../../core/errors.js';
import { seatingPolicy } from '../../core/hold-rules.js';
import { priceList } from '../../core/pricing.js';
import { seatMapCache } from '../../db/seat-map.js';
import { findShowtimes, getShowtime } from '../../db/showtimes.js';
import { effectiveFor } from '../../db/ticket-types.js';
import { route } from '../route.js';
import { IdParams } from '../schemas/common.js';
import { utcDayRange } from '../schemas/params.js';
import { IfNoneMatchHeaders, SeatMapSchema, ShowtimeDetailSchema, ShowtimePage, ShowtimeQuery } from '../schemas/showtimes.js';

const tags = ['showtimes'];

/** If-None-Match: `*` or a list of (weak or strong) tags; weak comparison as RFC 9110 prescribes for GET. */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const opaque = (t: string): string => t.trim().replace(/^W\//, '');
  const mine = opaque(etag);
  return header.split(',').some((t) => t.trim() === '*' || opaque(t) === mine);
}

export const showtimeRoutes = [
  route({
    method: 'get',
    path: '/showtimes',
    summary: 'Upcoming scheduled showtimes',
    tags,
    query: ShowtimeQuery,
    responses: { 200: { description: 'A page of showtimes, soonest first', schema: ShowtimePage } },
    handler: async ({ query }, deps) => {
      const now = deps.clock.now();
      const day = query.date ? utcDayRange(query.date) : undefined;
      const result = await findShowtimes(
        deps.ds,
        {
          movieId: query.movie,
          hallId: query.hall,
          status: 'scheduled',
          after: now,
          from: day?.[0],
          to: day?.[1],
          limit: query.limit,
          offset: query.offset,
        },
        now,
      );
      return { body: { ...result, limit: query.limit, offset: query.offset } };
    },
  }),

  route({
    method: 'get',
    path: '/showtimes/:id',
    summary: 'A showtime with its movie, hall and seats left',
    tags,
    params: IdParams,
    responses: { 200: { description: 'The showtime (any status, past ones too), with the seating rules and the ticket types on sale', schema: ShowtimeDetailSchema } },
    handler: async ({ params }, deps) => {
      const now = deps.clock.now();
      const showtime = await getShowtime(deps.ds, params.id, now);
      if (!showtime) throw notFound('showtime', params.id);
      const policy = seatingPolicy(deps.config, showtime.startsAt, now);
      const seating = {
        maxSeatsPerCheckout: deps.config.MAX_SEATS_PER_CHECKOUT,
        singleSeatRule: policy.singleSeatRule,
        companionsOnSale: policy.companionsOnSale,
        holdExtensionSeconds: deps.config.HOLD_EXTENSION_SECONDS,
      };
      const adultPrices = Object.fromEntries(SeatTypes.map((t) => [t, seatPrice(showtime.basePrice, t)])) as Record<(typeof SeatTypes)[number], number>;
      const ticketTypes = priceList(await effectiveFor(deps.ds, params.id), adultPrices);
      return { body: { ...showtime, seating, ticketTypes } };
    },
  }),

  route({
    method: 'get',
    path: '/showtimes/:id/seats',
    summary: 'The seat map (ETag / If-None-Match supported; gzip when accepted)',
    tags,
    params: IdParams,
    headers: IfNoneMatchHeaders,
    responses: {
      200: { description: 'Every seat with its status now', schema: SeatMapSchema },
      304: { description: 'The map has not changed since the ETag sent in If-None-Match' },
    },
    handler: async ({ params, ctx }, deps) => {
      const reply = await seatMapCache(deps.ds).read(params.id, deps.clock.now());
      if (!reply) throw notFound('showtime', params.id);
      // Vary: a cache between here and the browser keeps the gzipped and the plain answer apart.
      const headers = { ETag: reply.etag, 'Cache-Control': 'no-cache', Vary: 'Accept-Encoding' };
      if (etagMatches(ctx.get('if-none-match'), reply.etag)) return { status: 304, headers };
      const json = { ...headers, 'Content-Type': 'application/json; charset=utf-8' };
      // A big hall's map is hundreds of KB of repetitive JSON; every browser accepts gzip.
      if (ctx.acceptsEncodings('gzip', 'identity') === 'gzip') return { headers: { ...json, 'Content-Encoding': 'gzip' }, body: await reply.gzipped() };
      return { headers: json, body: reply.body() };
    },
  }),
];
