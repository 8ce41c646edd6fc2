import { assertSeatCount, assertShowtimeOpen } from '../core/hold-rules.js';
import { notFound } from '../core/errors.js';
import * as checkouts from '../db/checkouts.js';
import * as showtimes from '../db/showtimes.js';
import { publishCommitted } from '../live/publisher.js';
import type { SeatChangeSet } from '../live/protocol.js';
import type { HeldSeat } from '../workflows/contracts.js';
import type { ActivityDeps } from './deps.js';

export interface HoldSeatsInput {
  checkoutId: string;
  userId: number;
  showtimeId: number;
  seatIds: number[];
  idempotencyKey: string | null;
}

export interface HoldSeatsResult {
  seats: HeldSeat[];
  amount: number;
  currency: string;
  expiresAt: string;
  holdTtlMs: number;
  change: SeatChangeSet | null;
}

/**
 * Seat steps of the checkout: each runs one transaction of db/checkouts and
 * then tells watchers what it committed.
 */
export function createSeatActivities(deps: ActivityDeps) {
  const { ds, clock, settings, publisher, log } = deps;

  async function published<T extends SeatChangeSet | null>(change: T): Promise<T> {
    await publishCommitted(publisher, [change], log);
    return change;
  }

  async function holdSeats(input: HoldSeatsInput): Promise<HoldSeatsResult> {
    assertSeatCount(input.seatIds, settings.maxSeatsPerCheckout);
    const showtime = await showtimes.basics(ds, input.showtimeId);
    if (!showtime) throw notFound('showtime', input.showtimeId);
    const now = clock.now();
    assertShowtimeOpen(showtime, now);
    const held = await checkouts.hold(ds, {
      checkoutId: input.checkoutId,
      userId: input.userId,
      showtimeId: input.showtimeId,
      seatIds: [...new Set(input.seatIds)].sort((a, b) => a - b),
      idempotencyKey: input.idempotencyKey,
      provider: deps.payments.name,
      currency: showtime.currency,
      heldUntil: new Date(now.getTime() + settings.holdTtlSeconds * 1000),
      now,
      limits: settings.openCheckoutLimits,
    });
    await published(held.change);
    return {
      seats: held.seats,
      amount: held.amount,
      currency: showtime.currency,
      expiresAt: held.expiresAt.toISOString(),
      holdTtlMs: Math.max(0, held.expiresAt.getTime() - now.getTime()),
      change: held.change,
    };
  }

  /** held → booked for every seat of the checkout, booking → CONFIRMED. Idempotent. */
  async function confirmSeats(input: { checkoutId: string; showtimeId: number }): Promise<SeatChangeSet | null> {
    return published(await checkouts.confirm(ds, input.checkoutId, input.showtimeId, clock.now()));
  }

  /** Releases the seats this checkout still holds and closes the booking with `status`. Safe to repeat. */
  async function releaseSeats(input: {
    checkoutId: string;
    showtimeId: number;
    status: 'EXPIRED' | 'CANCELLED' | 'FAILED';
    reason: string;
  }): Promise<SeatChangeSet | null> {
    return published(await checkouts.release(ds, { ...input, now: clock.now() }));
  }

  /** booked → available for a refunded booking; booking → REFUNDED. Safe to repeat. */
  async function releaseBookedSeats(input: { bookingId: string; reason: string }): Promise<SeatChangeSet | null> {
    return published(await checkouts.refundBooking(ds, input.bookingId, input.reason, clock.now()));
  }

  /** Marks a showtime cancelled and lists what must be unwound: open checkouts and confirmed bookings. */
  async function cancelShowtime(input: { showtimeId: number }): Promise<{ openCheckoutIds: string[]; confirmedBookingIds: string[] }> {
    return checkouts.cancelShowtime(ds, input.showtimeId);
  }

  return { holdSeats, confirmSeats, releaseSeats, releaseBookedSeats, cancelShowtime };
}
