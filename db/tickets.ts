import type { BookingStatus, SeatType, ShowtimeStatus } from '../core/domain.js';
import type { TicketTypeCode } from '../core/pricing.js';
import type { Transactor } from './checkouts.js';
import { isDuplicateKey, type Sql } from './sql.js';

/**
 * Tickets: one per seat of a confirmed booking. Their codes are signed, not
 * stored (docs/tickets.md); what is stored is each ticket's one admission
 * (`ticket_checkins`, keyed by booking and seat).
 */

/** A booking as its tickets, its emails and its calendar event show it. */
export interface TicketedBooking {
  bookingId: string;
  status: BookingStatus;
  user: { id: number; email: string; name: string };
  movie: { id: number; title: string; runtimeMin: number };
  hall: { id: number; name: string };
  showtime: { id: number; startsAt: Date; status: ShowtimeStatus };
  amount: number;
  currency: string;
  /** Why the booking ended, for a refunded one. */
  reason: string | null;
  /** When an unpaid hold ends (a waitlist offer's deadline). */
  holdExpiresAt: Date | null;
  /** Each seat with its ticket type and its price as that type. */
  seats: { id: number; label: string; type: SeatType; price: number; ticketType: TicketTypeCode }[];
}

export async function ticketedBooking(sql: Sql, bookingId: string): Promise<TicketedBooking | null> {
  const [b]: {
    status: BookingStatus;
    user_id: number;
    email: string;
    name: string;
    movie_id: number;
    title: string;
    runtime_min: number;
    hall_id: number;
    hall_name: string;
    showtime_id: number;
    starts_at: Date;
    showtime_status: ShowtimeStatus;
    amount: number;
    currency: string;
    reason: string | null;
    hold_expires_at: Date | null;
  }[] = await sql.query(
    `SELECT b.status, b.user_id, u.email, u.name, m.id AS movie_id, m.title, m.runtime_min, h.id AS hall_id, h.name AS hall_name,
            st.id AS showtime_id, st.starts_at, st.status AS showtime_status, b.amount, b.currency, b.reason, b.hold_expires_at
       FROM bookings b JOIN users u ON u.id = b.user_id JOIN showtimes st ON st.id = b.showtime_id
       JOIN movies m ON m.id = st.movie_id JOIN halls h ON h.id = st.hall_id
      WHERE b.id = ?`,
    [bookingId],
  );
  if (!b) return null;
  const seats: { show_seat_id: number; label: string; seat_type: SeatType; price: number; ticket_type: TicketTypeCode }[] = await sql.query(
    `SELECT bs.show_seat_id, bs.label, hs.seat_type, bs.price, bs.ticket_type
       FROM booking_seats bs JOIN show_seats ss ON ss.id = bs.show_seat_id JOIN hall_seats hs ON hs.id = ss.hall_seat_id
      WHERE bs.booking_id = ? ORDER BY bs.show_seat_id`,
    [bookingId],
  );
  return {
    bookingId,
    status: b.status,
    user: { id: b.user_id, email: b.email, name: b.name },
    movie: { id: b.movie_id, title: b.title, runtimeMin: b.runtime_min },
    hall: { id: b.hall_id, name: b.hall_name },
    showtime: { id: b.showtime_id, startsAt: b.starts_at, status: b.showtime_status },
    amount: b.amount,
    currency: b.currency,
    reason: b.reason,
    holdExpiresAt: b.hold_expires_at,
    seats: seats.map((s) => ({ id: Number(s.show_seat_id), label: s.label, type: s.seat_type, price: s.price, ticketType: s.ticket_type })),
  };
}

/** What a door scan learns about the ticket it read. */
export interface ScannedTicket {
  booking: { id: string; status: BookingStatus; seatCount: number };
  seat: { id: number; label: string; type: SeatType };
  showtime: { id: number; startsAt: Date; status: ShowtimeStatus; movie: { id: number; title: string }; hall: { id: number; name: string } };
}

export type CheckIn =
  | { outcome: 'admitted'; ticket: ScannedTicket; checkedInAt: Date }
  | { outcome: 'already'; ticket: ScannedTicket; checkedInAt: Date }
  | { outcome: 'void'; ticket: ScannedTicket }
  | { outcome: 'unknown' };

async function scanned(sql: Sql, bookingId: string, seatId: number): Promise<ScannedTicket | null> {
  const [r]: {
    label: string;
    seat_type: SeatType;
    seat_count: number;
    showtime_id: number;
    starts_at: Date;
    showtime_status: ShowtimeStatus;
    movie_id: number;
    title: string;
    hall_id: number;
    hall_name: string;
  }[] = await sql.query(
    `SELECT bs.label, hs.seat_type, (SELECT COUNT(*) FROM booking_seats c WHERE c.booking_id = b.id) AS seat_count,
            st.id AS showtime_id, st.starts_at, st.status AS showtime_status, m.id AS movie_id, m.title, h.id AS hall_id, h.name AS hall_name
       FROM booking_seats bs JOIN bookings b ON b.id = bs.booking_id
       JOIN show_seats ss ON ss.id = bs.show_seat_id JOIN hall_seats hs ON hs.id = ss.hall_seat_id
       JOIN showtimes st ON st.id = b.showtime_id JOIN movies m ON m.id = st.movie_id JOIN halls h ON h.id = st.hall_id
      WHERE bs.booking_id = ? AND bs.show_seat_id = ?`,
    [bookingId, seatId],
  );
  if (!r) return null;
  return {
    booking: { id: bookingId, status: 'CONFIRMED', seatCount: Number(r.seat_count) },
    seat: { id: seatId, label: r.label, type: r.seat_type },
    showtime: {
      id: r.showtime_id,
      startsAt: r.starts_at,
      status: r.showtime_status,
      movie: { id: r.movie_id, title: r.title },
      hall: { id: r.hall_id, name: r.hall_name },
    },
  };
}

/**
 * Admits the ticket (booking, seat) once. The booking row is read under a
 * shared lock, so a refund committing at the same moment either comes first
 * (the ticket is void) or waits for this admission; the primary key of
 * `ticket_checkins` decides between simultaneous scans of one ticket: exactly
 * one insert succeeds, every other one finds the first scan's row.
 *
 * Only the booking row is locked (never the showtime or seat rows a refund
 * locks first), so this cannot deadlock with the checkout's transactions.
 */
export function checkIn(db: Transactor, r: { bookingId: string; seatId: number; staffId: number; now: Date }): Promise<CheckIn> {
  return db.transaction(async (tx): Promise<CheckIn> => {
    const [booking]: { status: BookingStatus }[] = await tx.query('SELECT status FROM bookings WHERE id = ? LOCK IN SHARE MODE', [r.bookingId]);
    if (!booking) return { outcome: 'unknown' };
    const found = await scanned(tx, r.bookingId, r.seatId);
    if (!found) return { outcome: 'unknown' };
    const ticket: ScannedTicket = { ...found, booking: { ...found.booking, status: booking.status } };
    if (booking.status !== 'CONFIRMED' || ticket.showtime.status !== 'scheduled') return { outcome: 'void', ticket };
    try {
      await tx.query('INSERT INTO ticket_checkins (booking_id, show_seat_id, checked_in_at, checked_in_by) VALUES (?, ?, ?, ?)', [
        r.bookingId,
        r.seatId,
        r.now,
        r.staffId,
      ]);
      return { outcome: 'admitted', ticket, checkedInAt: r.now };
    } catch (e) {
      if (!isDuplicateKey(e)) throw e;
      // A locking read: it sees the committed first scan, which this transaction's snapshot may predate.
      const [first]: { checked_in_at: Date }[] = await tx.query('SELECT checked_in_at FROM ticket_checkins WHERE booking_id = ? AND show_seat_id = ? LOCK IN SHARE MODE', [
        r.bookingId,
        r.seatId,
      ]);
      return { outcome: 'already', ticket, checkedInAt: first!.checked_in_at };
    }
  });
}
