import type { Sql } from './sql.js';

/**
 * The outbox of messages to customers: one row per subject (a booking or a
 * waitlist entry) and kind, however
 * often a step retries, with the state of its one delivery
 * (docs/tickets.md, Email). A row moves pending → sending (claimed by one
 * sender until `claimed_until`) → sent, or back to pending when the mail
 * server refused it before accepting anything, or to failed (refused for
 * good) or unknown (the send was cut off where it may have been delivered:
 * never sent again, so no customer gets it twice).
 */

export const NotificationKinds = ['booking_confirmed', 'booking_refunded', 'waitlist_offer', 'waitlist_closed'] as const;
export type NotificationKind = (typeof NotificationKinds)[number];

/** What a kind of message is about: a booking, or a waitlist entry (docs/waitlist.md). One row per subject and kind. */
const subjectColumn = (kind: NotificationKind): 'booking_id' | 'waitlist_entry_id' => (kind.startsWith('waitlist_') ? 'waitlist_entry_id' : 'booking_id');

export type NotificationStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'unknown' | 'skipped';

export interface Notification {
  id: number;
  userId: number;
  /** The booking or waitlist entry the message is about. */
  subjectId: string;
  kind: NotificationKind;
  status: NotificationStatus;
  attempts: number;
  claimedUntil: Date | null;
  messageId: string | null;
  sentAt: Date | null;
  lastError: string | null;
}

interface NotificationRow {
  id: number;
  user_id: number;
  subject_id: string;
  kind: NotificationKind;
  status: NotificationStatus;
  attempts: number;
  claimed_until: Date | null;
  message_id: string | null;
  sent_at: Date | null;
  last_error: string | null;
}

const toNotification = (r: NotificationRow): Notification => ({
  id: Number(r.id),
  userId: r.user_id,
  subjectId: r.subject_id,
  kind: r.kind,
  status: r.status,
  attempts: r.attempts,
  claimedUntil: r.claimed_until,
  messageId: r.message_id,
  sentAt: r.sent_at,
  lastError: r.last_error,
});

/** Writes the row of this subject and kind unless it exists. True when this call wrote it. */
export async function queueOnce(sql: Sql, n: { userId: number; subjectId: string; kind: NotificationKind; channel: 'email'; body: string }, now: Date): Promise<boolean> {
  const res: { affectedRows: number } = await sql.query(
    `INSERT IGNORE INTO notifications (user_id, ${subjectColumn(n.kind)}, kind, channel, body, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
    [n.userId, n.subjectId, n.kind, n.channel, n.body, now],
  );
  return res.affectedRows > 0;
}

export async function find(sql: Sql, subjectId: string, kind: NotificationKind): Promise<Notification | null> {
  const column = subjectColumn(kind);
  const [row]: NotificationRow[] = await sql.query(
    `SELECT id, user_id, ${column} AS subject_id, kind, status, attempts, claimed_until, message_id, sent_at, last_error
       FROM notifications WHERE ${column} = ? AND kind = ?`,
    [subjectId, kind],
  );
  return row ? toNotification(row) : null;
}

/**
 * Takes the row for one send, until `until`: only a pending row can be
 * claimed, so of any number of concurrent senders exactly one gets it.
 */
export async function claim(sql: Sql, id: number, messageId: string, until: Date): Promise<boolean> {
  const res: { affectedRows: number } = await sql.query(
    "UPDATE notifications SET status = 'sending', attempts = attempts + 1, claimed_until = ?, message_id = ? WHERE id = ? AND status = 'pending'",
    [until, messageId, id],
  );
  return res.affectedRows > 0;
}

/** The end of a claimed send. Only the claim's own row in `sending` changes. */
async function settle(sql: Sql, id: number, status: NotificationStatus, set: { sentAt?: Date; error?: string }): Promise<void> {
  await sql.query("UPDATE notifications SET status = ?, claimed_until = NULL, sent_at = ?, last_error = ? WHERE id = ? AND status = 'sending'", [
    status,
    set.sentAt ?? null,
    set.error === undefined ? null : set.error.slice(0, 255),
    id,
  ]);
}

export const markSent = (sql: Sql, id: number, now: Date): Promise<void> => settle(sql, id, 'sent', { sentAt: now });

/** The server accepted nothing: the row can be claimed again. */
export const release = (sql: Sql, id: number, error: string): Promise<void> => settle(sql, id, 'pending', { error });

/** The server refused the message for good (a bad address, say). */
export const markFailed = (sql: Sql, id: number, error: string): Promise<void> => settle(sql, id, 'failed', { error });

/** The send ended where the server may have accepted it: never sent again. */
export const markUnknown = (sql: Sql, id: number, error: string): Promise<void> => settle(sql, id, 'unknown', { error });

/** A claim whose sender is gone (its lease has run out while the row still says `sending`). */
export async function markAbandoned(sql: Sql, id: number, now: Date): Promise<boolean> {
  const res: { affectedRows: number } = await sql.query(
    "UPDATE notifications SET status = 'unknown', claimed_until = NULL, last_error = ? WHERE id = ? AND status = 'sending' AND claimed_until < ?",
    ['the sender stopped during the send; it may have been delivered, so it is not sent again', id, now],
  );
  return res.affectedRows > 0;
}

/** A pending row that will not be sent (its booking changed before it went out). */
export async function markSkipped(sql: Sql, id: number, reason: string): Promise<void> {
  await sql.query("UPDATE notifications SET status = 'skipped', last_error = ? WHERE id = ? AND status = 'pending'", [reason.slice(0, 255), id]);
}

/** Why the last try of a pending row did not reach the mail server (nothing was sent). */
export async function noteError(sql: Sql, id: number, error: string): Promise<void> {
  await sql.query("UPDATE notifications SET last_error = ? WHERE id = ? AND status = 'pending'", [error.slice(0, 255), id]);
}
