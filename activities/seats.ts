import type { EntityManager } from 'typeorm';
import { notFound } from '../core/errors.js';
import { assertSeatCount, assertSeatsBelong, assertSeatsFree, assertShowtimeOpen, showtimeCancelled } from '../core/hold-rules.js';
import type { SeatType } from '../core/domain.js';
import { seatLabel } from '../core/hall-layout.js';
import type { SeatChangeSet } from '../live/protocol.js';
import type { HeldSeat } from '../workflows/contracts.js';
import type { ActivityDeps } from './deps.js';
import { seatsNotHeld } from './failures.js';

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

interface LockedSeat {
  id: number;
  status: 'available' | 'held' | 'booked';
  checkout_id: string | null;
  held_until: Date | null;
  price: number;
  row_label: string;
  number: number;
  seat_type: SeatType;
}

interface ShowtimeRow {
  id: number;
  status: string;
  starts_at: Date;
  currency: string;
}

const placeholders = (n: number): string => Array.from({ length: n }, () => '?').join(',');

/** Bumps the showtime's seat version inside the caller's transaction and returns the new value. */
async function bumpSeatVersion(m: EntityManager, showtimeId: number, requireScheduled = false): Promise<number | null> {
  const res = await m.query(
    `UPDATE showtimes SET seat_version = seat_version + 1 WHERE id = ?${requireScheduled ? " AND status = 'scheduled'" : ''}`,
    [showtimeId],
  );
  if (res.affectedRows === 0) return null;
  const [row] = await m.query('SELECT seat_version FROM showtimes WHERE id = ?', [showtimeId]);
  return Number(row.seat_version);
}

/**
 * Seat transactions. Lock order everywhere: show_seats rows (by id), then the
 * showtime row (version bump), then the booking row — so concurrent holds,
 * confirms and releases cannot deadlock one another. The showtime is updated
 * before any booking row is inserted because that insert's foreign-key check
 * takes a shared lock on the showtime row.
 */
export function createSeatActivities(deps: ActivityDeps) {
  const { ds, clock, settings, publisher, log } = deps;

  /**
   * Tells watchers about a committed change. After the commit, never inside the
   * transaction; a lost publish only costs watchers a refetch (they see the
   * version gap on the next change), so it never fails the step.
   */
  async function published<T extends SeatChangeSet | null>(change: T): Promise<T> {
    if (change) {
      await publisher.publish(change).catch((e: unknown) => log.warn({ err: e, showtimeId: change.showtimeId }, 'seat change not published'));
    }
    return change;
  }

  async function holdSeats(input: HoldSeatsInput): Promise<HoldSeatsResult> {
    assertSeatCount(input.seatIds, settings.maxSeatsPerCheckout);
    const seatIds = [...new Set(input.seatIds)].sort((a, b) => a - b);
    const [showtime]: ShowtimeRow[] = await ds.query('SELECT id, status, starts_at, currency FROM showtimes WHERE id = ?', [
      input.showtimeId,
    ]);
    if (!showtime) throw notFound('showtime', input.showtimeId);
    const now = clock.now();
    assertShowtimeOpen({ id: showtime.id, status: showtime.status, startsAt: showtime.starts_at }, now);

    const holdTtlMs = settings.holdTtlSeconds * 1000;
    const heldUntil = new Date(now.getTime() + holdTtlMs);

    const result = await ds.transaction(async (m): Promise<HoldSeatsResult> => {
      const rows: LockedSeat[] = await m.query(
        `SELECT ss.id, ss.status, ss.checkout_id, ss.held_until, ss.price, hs.row_label, hs.number, hs.seat_type
           FROM show_seats ss JOIN hall_seats hs ON hs.id = ss.hall_seat_id
          WHERE ss.showtime_id = ? AND ss.id IN (${placeholders(seatIds.length)})
          ORDER BY ss.id FOR UPDATE`,
        [input.showtimeId, ...seatIds],
      );
      assertSeatsBelong(seatIds, rows.map((r) => Number(r.id)));
      const seats: HeldSeat[] = rows.map((r) => ({
        id: Number(r.id),
        label: seatLabel(r.row_label, r.number),
        type: r.seat_type,
        price: r.price,
      }));
      const amount = seats.reduce((sum, s) => sum + s.price, 0);

      const mine = rows.filter((r) => r.status === 'held' && r.checkout_id === input.checkoutId);
      if (mine.length === rows.length) {
        // A retried activity: the hold is already ours; answer as the first attempt did.
        const [booking] = await m.query('SELECT hold_expires_at FROM bookings WHERE id = ?', [input.checkoutId]);
        const expiresAt: Date = booking?.hold_expires_at ?? rows[0]!.held_until!;
        return { seats, amount, currency: showtime.currency, expiresAt: expiresAt.toISOString(), holdTtlMs: Math.max(0, expiresAt.getTime() - now.getTime()), change: null };
      }
      assertSeatsFree(
        rows.map((r) => ({ id: Number(r.id), status: r.status, checkoutId: r.checkout_id, heldUntil: r.held_until })),
        now,
        input.checkoutId,
      );

      await m.query(
        `UPDATE show_seats SET status = 'held', checkout_id = ?, held_until = ?, booking_id = NULL
          WHERE id IN (${placeholders(seatIds.length)})`,
        [input.checkoutId, heldUntil, ...seatIds],
      );
      const version = await bumpSeatVersion(m, input.showtimeId, true);
      if (version === null) throw showtimeCancelled(input.showtimeId);
      await m.query(
        `INSERT INTO bookings (id, user_id, showtime_id, status, amount, currency, payment_provider, idempotency_key, hold_expires_at, created_at, updated_at)
         VALUES (?, ?, ?, 'HOLDING', ?, ?, ?, ?, ?, ?, ?)`,
        [input.checkoutId, input.userId, input.showtimeId, amount, showtime.currency, deps.payments.name, input.idempotencyKey, heldUntil, now, now],
      );
      await m.query(
        `INSERT INTO booking_seats (booking_id, show_seat_id, label, price) VALUES ${seats.map(() => '(?, ?, ?, ?)').join(',')}`,
        seats.flatMap((s) => [input.checkoutId, s.id, s.label, s.price]),
      );
      return {
        seats,
        amount,
        currency: showtime.currency,
        expiresAt: heldUntil.toISOString(),
        holdTtlMs,
        change: { showtimeId: input.showtimeId, version, changes: seats.map((s) => ({ seatId: s.id, status: 'held' as const })), reason: 'held' as const },
      };
    });
    await published(result.change);
    return result;
  }

  /** held → booked for every seat of the checkout, booking → CONFIRMED. Idempotent. */
  async function confirmSeats(input: { checkoutId: string; showtimeId: number }): Promise<SeatChangeSet | null> {
    return published(
      await ds.transaction(async (m) => {
        const seats: { show_seat_id: number }[] = await m.query('SELECT show_seat_id FROM booking_seats WHERE booking_id = ? ORDER BY show_seat_id', [
          input.checkoutId,
        ]);
        const ids = seats.map((s) => Number(s.show_seat_id));
        if (ids.length === 0) throw seatsNotHeld('Checkout has no seats', { checkoutId: input.checkoutId });
        const rows: { id: number; status: string; checkout_id: string | null; booking_id: string | null }[] = await m.query(
          `SELECT id, status, checkout_id, booking_id FROM show_seats WHERE id IN (${placeholders(ids.length)}) ORDER BY id FOR UPDATE`,
          ids,
        );
        if (rows.every((r) => r.status === 'booked' && r.booking_id === input.checkoutId)) return null;
        const lost = rows.filter((r) => !(r.status === 'held' && r.checkout_id === input.checkoutId));
        if (lost.length > 0) {
          throw seatsNotHeld('Seats are no longer held by this checkout', { seatIds: lost.map((r) => Number(r.id)) });
        }
        await m.query(
          `UPDATE show_seats SET status = 'booked', booking_id = ?, held_until = NULL WHERE id IN (${placeholders(ids.length)})`,
          [input.checkoutId, ...ids],
        );
        const version = (await bumpSeatVersion(m, input.showtimeId))!;
        await m.query(`UPDATE bookings SET status = 'CONFIRMED', reason = NULL, updated_at = ? WHERE id = ?`, [clock.now(), input.checkoutId]);
        return { showtimeId: input.showtimeId, version, changes: ids.map((seatId) => ({ seatId, status: 'booked' as const })), reason: 'booked' as const };
      }),
    );
  }

  /**
   * Releases the seats this checkout still holds (never anyone else's) and
   * closes the booking with `status`. Safe to repeat.
   */
  async function releaseSeats(input: {
    checkoutId: string;
    showtimeId: number;
    status: 'EXPIRED' | 'CANCELLED' | 'FAILED';
    reason: string;
  }): Promise<SeatChangeSet | null> {
    return published(
      await ds.transaction(async (m) => {
        const rows: { id: number }[] = await m.query(
          "SELECT id FROM show_seats WHERE checkout_id = ? AND status = 'held' ORDER BY id FOR UPDATE",
          [input.checkoutId],
        );
        const ids = rows.map((r) => Number(r.id));
        let version: number | null = null;
        if (ids.length > 0) {
          await m.query(
            `UPDATE show_seats SET status = 'available', checkout_id = NULL, held_until = NULL WHERE id IN (${placeholders(ids.length)})`,
            ids,
          );
          version = await bumpSeatVersion(m, input.showtimeId);
        }
        await m.query(
          `UPDATE bookings SET status = ?, reason = ?, updated_at = ? WHERE id = ? AND status IN ('HOLDING', 'AWAITING_PAYMENT')`,
          [input.status, input.reason, clock.now(), input.checkoutId],
        );
        if (version === null) return null;
        const reason = input.status === 'EXPIRED' ? ('expired' as const) : ('released' as const);
        return { showtimeId: input.showtimeId, version, changes: ids.map((seatId) => ({ seatId, status: 'available' as const })), reason };
      }),
    );
  }

  /** booked → available for a refunded booking; booking → REFUNDED. Safe to repeat. */
  async function releaseBookedSeats(input: { bookingId: string; reason: string }): Promise<SeatChangeSet | null> {
    return published(
      await ds.transaction(async (m) => {
        const [booking]: { showtime_id: number; status: string }[] = await m.query(
          'SELECT showtime_id, status FROM bookings WHERE id = ?',
          [input.bookingId],
        );
        if (!booking) throw notFound('booking', input.bookingId);
        const rows: { id: number }[] = await m.query(
          "SELECT id FROM show_seats WHERE booking_id = ? AND status = 'booked' ORDER BY id FOR UPDATE",
          [input.bookingId],
        );
        const ids = rows.map((r) => Number(r.id));
        let version: number | null = null;
        if (ids.length > 0) {
          await m.query(
            `UPDATE show_seats SET status = 'available', checkout_id = NULL, booking_id = NULL, held_until = NULL WHERE id IN (${placeholders(ids.length)})`,
            ids,
          );
          version = await bumpSeatVersion(m, booking.showtime_id);
        }
        await m.query(`UPDATE bookings SET status = 'REFUNDED', reason = ?, updated_at = ? WHERE id = ? AND status = 'CONFIRMED'`, [
          input.reason,
          clock.now(),
          input.bookingId,
        ]);
        if (version === null) return null;
        return { showtimeId: booking.showtime_id, version, changes: ids.map((seatId) => ({ seatId, status: 'available' as const })), reason: 'refunded' as const };
      }),
    );
  }

  /** Marks a showtime cancelled and lists what must be unwound: open checkouts and confirmed bookings. */
  async function cancelShowtime(input: { showtimeId: number }): Promise<{ openCheckoutIds: string[]; confirmedBookingIds: string[] }> {
    return ds.transaction(async (m) => {
      const res = await m.query("UPDATE showtimes SET status = 'cancelled' WHERE id = ?", [input.showtimeId]);
      if (res.affectedRows === 0) throw notFound('showtime', input.showtimeId);
      const bookings: { id: string; status: string }[] = await m.query(
        "SELECT id, status FROM bookings WHERE showtime_id = ? AND status IN ('HOLDING', 'AWAITING_PAYMENT', 'CONFIRMED') FOR UPDATE",
        [input.showtimeId],
      );
      return {
        openCheckoutIds: bookings.filter((b) => b.status !== 'CONFIRMED').map((b) => b.id),
        confirmedBookingIds: bookings.filter((b) => b.status === 'CONFIRMED').map((b) => b.id),
      };
    });
  }

  return { holdSeats, confirmSeats, releaseSeats, releaseBookedSeats, cancelShowtime };
}
