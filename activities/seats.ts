import { assertSeatCount, assertShowtimeOpen, seatingPolicy } from '../core/hold-rules.js';
import type { TicketChoice } from '../core/pricing.js';
import type { BestAvailableRequest } from '../core/seating.js';
import { notFound } from '../core/errors.js';
import * as bookings from '../db/bookings.js';
import * as checkouts from '../db/checkouts.js';
import * as showtimes from '../db/showtimes.js';
import { publishCommitted } from '../live/publisher.js';
import type { SeatChangeSet } from '../live/protocol.js';
import type { HeldSeat } from '../workflows/contracts.js';
import type { ActivityDeps } from './deps.js';
import type { DeliverMail } from './mail-delivery.js';

export interface HoldSeatsInput extends TicketChoice {
  checkoutId: string;
  userId: number;
  showtimeId: number;
  /** The seats asked for; with bestAvailable, the API's preferred pick. */
  seatIds: number[];
  bestAvailable?: BestAvailableRequest | undefined;
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
export function createSeatActivities(deps: ActivityDeps, deliver: DeliverMail) {
  const { ds, clock, settings, publisher, log } = deps;

  async function published<T extends SeatChangeSet | null>(change: T): Promise<T> {
    await publishCommitted(publisher, [change], log);
    return change;
  }

  /** Now, and the end of the grace period in which seats given back now are the waitlist's (docs/waitlist.md). */
  const whenGivenBack = (): { now: Date; graceUntil: Date } => {
    const now = clock.now();
    return { now, graceUntil: new Date(now.getTime() + settings.WAITLIST_GRACE_SECONDS * 1000) };
  };

  /** Seats given back: watchers hear of it, and so does the showtime's waitlist when the seats went to it. */
  async function returned(r: checkouts.Released): Promise<SeatChangeSet | null> {
    await published(r.change);
    if (r.toWaitlist && r.change) await deps.waitlist.ring(r.change.showtimeId);
    return r.change;
  }

  async function holdSeats(input: HoldSeatsInput): Promise<HoldSeatsResult> {
    assertSeatCount(input.bestAvailable?.count ?? input.seatIds.length, settings.MAX_SEATS_PER_CHECKOUT);
    const showtime = await showtimes.basics(ds, input.showtimeId);
    if (!showtime) throw notFound('showtime', input.showtimeId);
    const now = clock.now();
    try {
      assertShowtimeOpen(showtime, now);
    } catch (e) {
      // A hold already written (this step retried, or a waitlist offer written for it) answers as written: if the
      // showtime closed meanwhile, the cancel its closing sends to open checkouts releases it.
      if (!(await bookings.heldOf(ds, input.checkoutId))) throw e;
    }
    const held = await checkouts.hold(ds, {
      checkoutId: input.checkoutId,
      userId: input.userId,
      showtimeId: input.showtimeId,
      movieId: showtime.movieId,
      choice: { ticketTypes: input.ticketTypes, ticketCounts: input.ticketCounts, promoCode: input.promoCode },
      seatIds: [...new Set(input.seatIds)].sort((a, b) => a - b),
      bestAvailable: input.bestAvailable,
      hall: showtime.hall,
      policy: seatingPolicy(settings, showtime.startsAt, now),
      idempotencyKey: input.idempotencyKey,
      provider: deps.payments.name,
      currency: showtime.currency,
      minimumCharge: deps.payments.minimumCharge(showtime.currency),
      heldUntil: new Date(now.getTime() + settings.HOLD_TTL_SECONDS * 1000),
      now,
      limits: { perUser: settings.MAX_OPEN_CHECKOUTS_PER_USER, perShowtime: settings.MAX_OPEN_CHECKOUTS_PER_SHOWTIME },
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
    return returned(await checkouts.release(ds, { ...input, ...whenGivenBack() }));
  }

  /**
   * booked → available for a refunded booking; booking → REFUNDED, then the
   * refund email its transaction queued goes out (at most once; a retry of
   * this step after the commit only sends what is still pending). Safe to repeat.
   */
  async function releaseBookedSeats(input: { bookingId: string; reason: string }): Promise<SeatChangeSet | null> {
    const change = await returned(await checkouts.refundBooking(ds, { ...input, ...whenGivenBack() }));
    await deliver(input.bookingId, 'booking_refunded');
    return change;
  }

  /**
   * A hold whose payment intent came `byMs` late ends that much later, if it
   * still has all its seats (null: it lost some after running out). Safe to repeat.
   */
  async function renewHold(input: { checkoutId: string; showtimeId: number; expiresAt: string; byMs: number }): Promise<{ expiresAt: string } | null> {
    const until = new Date(Date.parse(input.expiresAt) + input.byMs);
    const renewed = await checkouts.renewHold(ds, { checkoutId: input.checkoutId, showtimeId: input.showtimeId, until });
    if (!renewed) return null;
    await published(renewed.change);
    return { expiresAt: until.toISOString() };
  }

  /** The hold that ends at `from` ends HOLD_EXTENSION_SECONDS later instead: booking, seats and watchers. Safe to repeat. */
  async function extendHold(input: { checkoutId: string; showtimeId: number; from: string }): Promise<{ expiresAt: string }> {
    const until = new Date(new Date(input.from).getTime() + settings.HOLD_EXTENSION_SECONDS * 1000);
    await published(await checkouts.extend(ds, { checkoutId: input.checkoutId, showtimeId: input.showtimeId, until }));
    return { expiresAt: until.toISOString() };
  }

  /** Marks a showtime cancelled and lists what must be unwound: open checkouts and confirmed bookings. */
  async function cancelShowtime(input: { showtimeId: number }): Promise<{ openCheckoutIds: string[]; confirmedBookingIds: string[] }> {
    const unwind = await checkouts.cancelShowtime(ds, input.showtimeId);
    // Its waitlist, if it has one, closes and tells everyone in line.
    await deps.waitlist.ring(input.showtimeId);
    return unwind;
  }

  return { holdSeats, confirmSeats, releaseSeats, releaseBookedSeats, renewHold, extendHold, cancelShowtime };
}
