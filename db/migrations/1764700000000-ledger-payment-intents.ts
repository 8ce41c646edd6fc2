import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * mock_payment_intents → ledger_payment_intents: the table now holds every
 * intent Marquee keeps itself, the mock provider's and those of free bookings
 * (which no provider is asked to charge, whichever is configured;
 * docs/payments.md). Rows, ids and the one-intent-per-checkout key stay.
 */
export class LedgerPaymentIntents1764700000000 implements MigrationInterface {
  name = 'LedgerPaymentIntents1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('RENAME TABLE mock_payment_intents TO ledger_payment_intents');
    await q.query('ALTER TABLE ledger_payment_intents RENAME INDEX uq_mock_payment_intents_checkout TO uq_ledger_payment_intents_checkout');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE ledger_payment_intents RENAME INDEX uq_ledger_payment_intents_checkout TO uq_mock_payment_intents_checkout');
    await q.query('RENAME TABLE ledger_payment_intents TO mock_payment_intents');
  }
}
