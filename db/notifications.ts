import type { Sql } from './sql.js';

export type NotificationKind = 'booking_confirmed';

/** The outbox of messages to customers: one row per booking and kind, however often a step retries. True when this call wrote it. */
export async function queueOnce(sql: Sql, n: { userId: number; bookingId: string; kind: NotificationKind; channel: 'email'; body: string }, now: Date): Promise<boolean> {
  const res: { affectedRows: number } = await sql.query(
    'INSERT IGNORE INTO notifications (user_id, booking_id, kind, channel, body, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    [n.userId, n.bookingId, n.kind, n.channel, n.body, now],
  );
  return res.affectedRows > 0;
}
