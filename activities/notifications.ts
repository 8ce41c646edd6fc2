import type { ActivityDeps } from './deps.js';

/** Confirmation messages. The notifications row is the outbox a mailer would drain; one per booking and kind. */
export function createNotificationActivities(deps: ActivityDeps) {
  const { ds, clock, log } = deps;

  async function sendConfirmation(input: { checkoutId: string }): Promise<void> {
    const [b]: { user_id: number; title: string; starts_at: Date; hall: string; amount: number; currency: string }[] = await ds.query(
      `SELECT b.user_id, m.title, st.starts_at, h.name AS hall, b.amount, b.currency
         FROM bookings b JOIN showtimes st ON st.id = b.showtime_id
         JOIN movies m ON m.id = st.movie_id JOIN halls h ON h.id = st.hall_id
        WHERE b.id = ?`,
      [input.checkoutId],
    );
    if (!b) return;
    const seats: { label: string }[] = await ds.query('SELECT label FROM booking_seats WHERE booking_id = ? ORDER BY show_seat_id', [
      input.checkoutId,
    ]);
    const body =
      `Your booking ${input.checkoutId} is confirmed: ${b.title}, ${b.starts_at.toISOString()} in ${b.hall}, ` +
      `seats ${seats.map((s) => s.label).join(', ')}, total ${(b.amount / 100).toFixed(2)} ${b.currency}.`;
    const res = await ds.query(
      `INSERT IGNORE INTO notifications (user_id, booking_id, kind, channel, body, created_at) VALUES (?, ?, 'booking_confirmed', 'email', ?, ?)`,
      [b.user_id, input.checkoutId, body, clock.now()],
    );
    if (res.affectedRows > 0) log.info({ checkoutId: input.checkoutId, userId: b.user_id }, 'confirmation queued');
  }

  return { sendConfirmation };
}
