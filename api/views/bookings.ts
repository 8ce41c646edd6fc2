import type { DataSource } from 'typeorm';
import type { BookingStatus, PaymentProviderName, SeatType } from '../../core/domain.js';
import type { Config } from '../../core/config.js';
import { whereAll } from '../../db/queries/sql.js';

export interface BookingView {
  checkoutId: string;
  status: BookingStatus;
  showtimeId: number;
  seats: { id: number; label: string; type: SeatType; price: number }[];
  amount: number;
  currency: string;
  expiresAt: string | null;
  payment: { provider: PaymentProviderName; intentId: string } | null;
  reason: string | null;
  movie: { id: number; title: string };
  hall: { id: number; name: string };
  startsAt: string;
  createdAt: string;
  updatedAt: string;
  cancellableUntil: string | null;
  userId: number;
}

interface BookingRow {
  id: string;
  user_id: number;
  showtime_id: number;
  status: BookingStatus;
  amount: number;
  currency: string;
  payment_provider: PaymentProviderName;
  payment_intent_id: string | null;
  hold_expires_at: Date;
  reason: string | null;
  created_at: Date;
  updated_at: Date;
  starts_at: Date;
  movie_id: number;
  title: string;
  hall_id: number;
  hall_name: string;
}

const SELECT_BOOKINGS = `
  SELECT b.id, b.user_id, b.showtime_id, b.status, b.amount, b.currency, b.payment_provider, b.payment_intent_id,
         b.hold_expires_at, b.reason, b.created_at, b.updated_at,
         st.starts_at, m.id AS movie_id, m.title, h.id AS hall_id, h.name AS hall_name
    FROM bookings b
    JOIN showtimes st ON st.id = b.showtime_id
    JOIN movies m ON m.id = st.movie_id
    JOIN halls h ON h.id = st.hall_id`;

export interface BookingFilter {
  id?: string;
  userId?: number;
  showtimeId?: number;
  status?: BookingStatus;
  limit?: number;
  offset?: number;
}

/** Bookings as the API shows them, read from MySQL (the source of truth), seats in one extra query. */
export async function findBookings(
  ds: DataSource,
  config: Pick<Config, 'BOOKING_CANCEL_CUTOFF_MINUTES'>,
  f: BookingFilter,
): Promise<{ items: BookingView[]; total: number }> {
  const [whereSql, params] = whereAll([
    f.id !== undefined && ['b.id = ?', f.id],
    f.userId !== undefined && ['b.user_id = ?', f.userId],
    f.showtimeId !== undefined && ['b.showtime_id = ?', f.showtimeId],
    f.status !== undefined && ['b.status = ?', f.status],
  ]);
  const limit = f.limit ?? 1;
  const offset = f.offset ?? 0;
  const [rows, counted]: [BookingRow[], { total: number }[]] = await Promise.all([
    ds.query(`${SELECT_BOOKINGS} ${whereSql} ORDER BY b.created_at DESC, b.id DESC LIMIT ? OFFSET ?`, [...params, limit, offset]),
    f.id !== undefined ? Promise.resolve([{ total: 1 }]) : ds.query(`SELECT COUNT(*) AS total FROM bookings b ${whereSql}`, params),
  ]);
  const total = Number(counted[0]?.total ?? 0);
  if (rows.length === 0) return { items: [], total };
  const seatRows: { booking_id: string; show_seat_id: number; label: string; price: number; seat_type: SeatType }[] = await ds.query(
    `SELECT bs.booking_id, bs.show_seat_id, bs.label, bs.price, hs.seat_type
       FROM booking_seats bs JOIN show_seats ss ON ss.id = bs.show_seat_id JOIN hall_seats hs ON hs.id = ss.hall_seat_id
      WHERE bs.booking_id IN (${rows.map(() => '?').join(',')}) ORDER BY bs.show_seat_id`,
    rows.map((r) => r.id),
  );
  const cutoffMs = config.BOOKING_CANCEL_CUTOFF_MINUTES * 60_000;
  const items = rows.map((r): BookingView => {
    const open = r.status === 'HOLDING' || r.status === 'AWAITING_PAYMENT';
    return {
      checkoutId: r.id,
      status: r.status,
      showtimeId: r.showtime_id,
      seats: seatRows
        .filter((s) => s.booking_id === r.id)
        .map((s) => ({ id: Number(s.show_seat_id), label: s.label, type: s.seat_type, price: s.price })),
      amount: r.amount,
      currency: r.currency,
      expiresAt: open ? r.hold_expires_at.toISOString() : null,
      payment: r.payment_intent_id ? { provider: r.payment_provider, intentId: r.payment_intent_id } : null,
      reason: r.reason,
      movie: { id: r.movie_id, title: r.title },
      hall: { id: r.hall_id, name: r.hall_name },
      startsAt: r.starts_at.toISOString(),
      createdAt: r.created_at.toISOString(),
      updatedAt: r.updated_at.toISOString(),
      cancellableUntil: r.status === 'CONFIRMED' ? new Date(r.starts_at.getTime() - cutoffMs).toISOString() : null,
      userId: r.user_id,
    };
  });
  return { items, total };
}

export async function findBooking(ds: DataSource, config: Pick<Config, 'BOOKING_CANCEL_CUTOFF_MINUTES'>, id: string): Promise<BookingView | null> {
  return (await findBookings(ds, config, { id })).items[0] ?? null;
}
