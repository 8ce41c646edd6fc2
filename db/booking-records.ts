import type { PaymentProviderName } from '../core/domain.js';
import type { Sql } from './sql.js';

/**
 * What the operators' console shows beside a booking, read from the tables
 * other modules write: the customer, the payment events received for it and
 * the messages sent about it. Read only.
 */

export interface Customer {
  id: number;
  email: string;
  name: string;
}

/** The customers of these user ids, by id. */
export async function customersOf(sql: Sql, userIds: readonly number[]): Promise<Map<number, Customer>> {
  const ids = [...new Set(userIds)];
  if (ids.length === 0) return new Map();
  const rows: Customer[] = await sql.query('SELECT id, email, name FROM users WHERE id IN (?)', [ids]);
  return new Map(rows.map((r) => [Number(r.id), { id: Number(r.id), email: r.email, name: r.name }]));
}

export interface PaymentEventRecord {
  provider: PaymentProviderName;
  eventId: string;
  type: string;
  intentId: string | null;
  receivedAt: Date;
}

/** Payment events recorded for a checkout or its intent, oldest first. */
export async function paymentEventsOf(sql: Sql, checkoutId: string, intentId: string | null): Promise<PaymentEventRecord[]> {
  const rows: { provider: PaymentProviderName; event_id: string; type: string; payment_intent_id: string | null; received_at: Date }[] = await sql.query(
    `SELECT provider, event_id, type, payment_intent_id, received_at FROM payment_events
     WHERE checkout_id = ? OR (payment_intent_id IS NOT NULL AND payment_intent_id = ?) ORDER BY received_at, id`,
    [checkoutId, intentId],
  );
  return rows.map((r) => ({ provider: r.provider, eventId: r.event_id, type: r.type, intentId: r.payment_intent_id, receivedAt: r.received_at }));
}

export interface MessageRecord {
  kind: string;
  channel: string;
  body: string;
  createdAt: Date;
}

/** Messages queued to the customer about a booking, oldest first. */
export async function messagesOf(sql: Sql, bookingId: string): Promise<MessageRecord[]> {
  const rows: { kind: string; channel: string; body: string; created_at: Date }[] = await sql.query(
    'SELECT kind, channel, body, created_at FROM notifications WHERE booking_id = ? ORDER BY created_at, id',
    [bookingId],
  );
  return rows.map((r) => ({ kind: r.kind, channel: r.channel, body: r.body, createdAt: r.created_at }));
}
