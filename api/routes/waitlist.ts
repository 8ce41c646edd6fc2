import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy } from '@temporalio/client';
import { AppError, conflict, notFound } from '../../core/errors.js';
import { assertSeatCount } from '../../core/hold-rules.js';
import { newWaitlistId } from '../../core/ids.js';
import * as bookings from '../../db/bookings.js';
import * as showtimes from '../../db/showtimes.js';
import * as waitlist from '../../db/waitlist.js';
import { cancelMessage, cancelSignal, lookAgainSignal, offerCheckoutStart, ShowtimeIdKey, waitlistWorkflowId, type WaitlistInput } from '../../workflows/contracts.js';
import type { waitlistWorkflow } from '../../workflows/waitlist.js';
import type { AppDeps } from '../deps.js';
import { couldSeatNow } from '../hold-intake.js';
import { route } from '../route.js';
import { IdParams } from '../schemas/common.js';
import { JoinWaitlistBody, WaitlistEntry, WaitlistIdParams, WaitlistPage, WaitlistQuery } from '../schemas/waitlist.js';

/**
 * The waitlist of a sold-out showtime (docs/waitlist.md): join, see your
 * place, leave. Offers arrive as checkouts held for you, paid like any other.
 */

const TAGS = ['waitlist'];

/** An entry as the API answers it. */
export const entryBody = (e: waitlist.WaitlistEntry) => ({
  waitlistId: e.id,
  showtimeId: e.showtimeId,
  count: e.count,
  status: e.status,
  position: e.position,
  offer: e.offerCheckoutId ? { checkoutId: e.offerCheckoutId } : null,
  createdAt: e.createdAt.toISOString(),
});

/** Rings the showtime's waitlist, starting its workflow if it does not run yet (the first to join starts it). */
async function ringOrStart(deps: AppDeps, showtimeId: number, startsAt: Date): Promise<void> {
  const input: WaitlistInput = { showtimeId, startsAt: startsAt.toISOString() };
  await deps.temporal.workflow.signalWithStart<typeof waitlistWorkflow>('waitlistWorkflow', {
    workflowId: waitlistWorkflowId(deps.config.TASK_QUEUE, showtimeId),
    taskQueue: deps.config.TASK_QUEUE,
    args: [input],
    signal: lookAgainSignal,
    workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
    typedSearchAttributes: [{ key: ShowtimeIdKey, value: String(showtimeId) }],
  });
}

/** The entry, visible to its buyer; 404 for anyone else (no existence leak). */
async function ownEntry(deps: AppDeps, id: string, userId: number): Promise<waitlist.WaitlistEntry> {
  const entry = await waitlist.get(deps.ds, id);
  if (!entry || entry.userId !== userId) throw notFound('waitlist entry', id);
  return entry;
}

export const waitlistRoutes = [
  route({
    method: 'post',
    path: '/showtimes/:id/waitlist',
    summary: 'Join the waitlist of a showtime that cannot seat you now; seats that come free are held for you in turn',
    tags: TAGS,
    auth: 'user',
    params: IdParams,
    body: JoinWaitlistBody,
    responses: {
      201: { description: 'In line: position 1 is next', schema: WaitlistEntry },
      404: { description: 'No such showtime' },
      409: { description: 'The showtime can seat you now (book instead: details.reason "seats-available"), or you are in its line already (details.waitlistId)' },
      422: { description: 'The showtime has started or was cancelled, or the count is over MAX_SEATS_PER_CHECKOUT' },
    },
    handler: async ({ params, body, user, ctx }, deps) => {
      assertSeatCount(body.count, deps.config.MAX_SEATS_PER_CHECKOUT);
      const already = await waitlist.activeOf(deps.ds, params.id, user.id);
      if (already) throw conflict('You are in this showtime’s waitlist already', { waitlistId: already.id, status: already.status });
      if (await couldSeatNow(deps, params.id, body.count)) {
        throw new AppError('CONFLICT', `${body.count} seats can be booked now: hold them instead of joining the waitlist`, {
          reason: 'seats-available',
          showtimeId: params.id,
        });
      }
      const entry = await waitlist.join(deps.ds, { id: newWaitlistId(), showtimeId: params.id, userId: user.id, count: body.count }, deps.clock.now());
      if (!entry) throw conflict('You are in this showtime’s waitlist already', { showtimeId: params.id });
      try {
        await ringOrStart(deps, params.id, (await showtimes.basics(deps.ds, params.id))!.startsAt);
      } catch (e) {
        // Nobody would offer this entry anything: it leaves the line again, and the buyer is told to try again.
        await waitlist.leave(deps.ds, entry.id, deps.clock.now());
        throw e;
      }
      ctx.set('Location', `/api/v1/waitlist/${entry.id}`);
      return { status: 201, body: entryBody(entry) };
    },
  }),

  route({
    method: 'get',
    path: '/waitlist',
    summary: 'My waitlist entries, newest first, with places in line and offers',
    tags: TAGS,
    auth: 'user',
    query: WaitlistQuery,
    responses: { 200: { description: 'A page of entries', schema: WaitlistPage } },
    handler: async ({ query, user }, deps) => {
      const { items, total } = await waitlist.ofUser(deps.ds, user.id, query.limit, query.offset);
      return { body: { items: items.map(entryBody), total, limit: query.limit, offset: query.offset } };
    },
  }),

  route({
    method: 'get',
    path: '/waitlist/:id',
    summary: 'One of my waitlist entries',
    tags: TAGS,
    auth: 'user',
    params: WaitlistIdParams,
    responses: { 200: { description: 'The entry', schema: WaitlistEntry } },
    handler: async ({ params, user }, deps) => ({ body: entryBody(await ownEntry(deps, params.id, user.id)) }),
  }),

  route({
    method: 'delete',
    path: '/waitlist/:id',
    summary: 'Leave the waitlist; an offer held for you is released to the next in line',
    tags: TAGS,
    auth: 'user',
    params: WaitlistIdParams,
    responses: {
      200: { description: 'Left (or had already ended)', schema: WaitlistEntry },
      409: { description: 'The offer was paid: cancel the booking instead' },
    },
    handler: async ({ params, user }, deps) => {
      const entry = await ownEntry(deps, params.id, user.id);
      if (entry.status === 'booked') throw conflict('This offer was paid: cancel the booking instead', { bookingId: entry.offerCheckoutId });
      const left = await waitlist.leave(deps.ds, entry.id, deps.clock.now());
      if (left && entry.offerCheckoutId) await cancelOffer(deps, { entryId: entry.id, userId: user.id, checkoutId: entry.offerCheckoutId, showtimeId: entry.showtimeId });
      if (left && entry.status === 'waiting') {
        await deps.publisher
          .publishWaitlist({ showtimeId: entry.showtimeId, kind: 'moved' })
          .catch((e: unknown) => deps.log.warn({ err: e, showtimeId: entry.showtimeId }, 'waitlist move not published; places show on the next read'));
      }
      return { body: entryBody((await waitlist.get(deps.ds, entry.id))!) };
    },
  }),
];

/**
 * The held seats of a left entry's offer go back (to the line first), through
 * its checkout's cancel. The line may not have started that checkout yet (it
 * is starting it, or its step was cut off by a crash): signal-with-start
 * makes sure a checkout exists to receive the cancel, whoever starts it
 * first. A checkout that already closed has nothing to release.
 */
async function cancelOffer(deps: AppDeps, offer: { entryId: string; userId: number; checkoutId: string; showtimeId: number }): Promise<void> {
  const seatIds = await bookings.seatIdsOf(deps.ds, offer.checkoutId);
  await deps.temporal.workflow
    .signalWithStart('checkoutWorkflow', {
      ...offerCheckoutStart({ ...offer, seatIds }, offer.showtimeId),
      taskQueue: deps.config.TASK_QUEUE,
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      signal: cancelSignal,
      signalArgs: [cancelMessage('left the waitlist', deps.clock.now())],
    })
    .catch((e: unknown) => {
      if (!(e instanceof WorkflowExecutionAlreadyStartedError)) throw e;
    });
}
