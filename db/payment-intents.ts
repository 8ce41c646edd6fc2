import { placeholders, type Sql } from './sql.js';

/**
 * The payment intents Marquee keeps itself: the mock provider's, and those of
 * free bookings (payments/ledger-provider.ts). They live in MySQL so every API
 * node and worker sees the same state; each state change is one conditional
 * UPDATE, so a payment racing a cancellation has exactly one winner.
 */
export type LedgerIntentStatus = 'requires_payment_method' | 'succeeded' | 'canceled' | 'refunded';

export interface LedgerIntent {
  id: string;
  checkoutId: string;
  amount: number;
  currency: string;
  status: LedgerIntentStatus;
  clientSecret: string;
}

const COLUMNS = 'id, checkout_id AS checkoutId, amount, currency, status, client_secret AS clientSecret';

/** Inserts the checkout's intent unless it has one, and returns the one it has. */
export async function createOnce(sql: Sql, i: LedgerIntent, now: Date): Promise<LedgerIntent> {
  await sql.query(
    `INSERT INTO ledger_payment_intents (id, checkout_id, amount, currency, status, client_secret, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON DUPLICATE KEY UPDATE id = id`,
    [i.id, i.checkoutId, i.amount, i.currency, i.status, i.clientSecret, now, now],
  );
  const [row]: LedgerIntent[] = await sql.query(`SELECT ${COLUMNS} FROM ledger_payment_intents WHERE checkout_id = ?`, [i.checkoutId]);
  return row!;
}

export async function find(sql: Sql, id: string): Promise<LedgerIntent | null> {
  const [row]: LedgerIntent[] = await sql.query(`SELECT ${COLUMNS} FROM ledger_payment_intents WHERE id = ?`, [id]);
  return row ?? null;
}

/** Moves the intent from one of `from` to `to`; false when it was in none of them. */
export async function transition(sql: Sql, id: string, from: readonly LedgerIntentStatus[], to: LedgerIntentStatus, now: Date): Promise<boolean> {
  const res: { affectedRows: number } = await sql.query(
    `UPDATE ledger_payment_intents SET status = ?, updated_at = ? WHERE id = ? AND status IN (${placeholders(from.length)})`,
    [to, now, id, ...from],
  );
  return res.affectedRows > 0;
}
