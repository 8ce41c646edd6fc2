import type { PaymentProviderName } from '../core/domain.js';
import { isDuplicateKey, type Sql } from './sql.js';

/** Every provider event acted on, once: the unique event id is the webhook dedupe. */
export interface RecordedEvent {
  provider: PaymentProviderName;
  eventId: string;
  type: string;
  intentId: string | null;
  checkoutId: string | null;
  payload: string;
}

/** Records the event; false when its id was recorded before (a replay), which leaves the caller's transaction usable. */
export async function recordOnce(sql: Sql, e: RecordedEvent, now: Date): Promise<boolean> {
  try {
    await sql.query(
      `INSERT INTO payment_events (provider, event_id, type, payment_intent_id, checkout_id, payload, received_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
      [e.provider, e.eventId, e.type, e.intentId, e.checkoutId, e.payload, now],
    );
    return true;
  } catch (err) {
    if (isDuplicateKey(err)) return false;
    throw err;
  }
}
