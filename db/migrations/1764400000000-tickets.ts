import type { MigrationInterface, QueryRunner } from 'typeorm';

const TABLE_OPTIONS = 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci';

/**
 * Release 3: e-tickets and email (docs/tickets.md).
 *
 * `ticket_checkins` records the one admission of each ticket (a booking's
 * seat); its primary key is what lets exactly one of many simultaneous scans
 * admit. The ticket codes themselves are not stored: they are signed, and
 * derived from the booking and seat.
 *
 * `notifications` becomes a delivery outbox: each row is claimed before its
 * email is sent and records how the send ended. Rows written before (release
 * 2 only wrote them, nothing sent them) are marked `skipped`, so no old
 * booking gets a late email.
 */
export class Tickets1764400000000 implements MigrationInterface {
  name = 'Tickets1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE ticket_checkins (
      booking_id VARCHAR(40) NOT NULL,
      show_seat_id BIGINT UNSIGNED NOT NULL,
      checked_in_at DATETIME(3) NOT NULL,
      checked_in_by INT UNSIGNED NOT NULL,
      PRIMARY KEY (booking_id, show_seat_id),
      CONSTRAINT fk_ticket_checkins_booking_seat FOREIGN KEY (booking_id, show_seat_id)
        REFERENCES booking_seats (booking_id, show_seat_id) ON DELETE CASCADE
    ) ${TABLE_OPTIONS}`);

    await q.query(`ALTER TABLE notifications
      ADD COLUMN status VARCHAR(16) NOT NULL DEFAULT 'pending',
      ADD COLUMN attempts INT UNSIGNED NOT NULL DEFAULT 0,
      ADD COLUMN claimed_until DATETIME(3) NULL,
      ADD COLUMN message_id VARCHAR(255) NULL,
      ADD COLUMN sent_at DATETIME(3) NULL,
      ADD COLUMN last_error VARCHAR(255) NULL,
      ADD KEY ix_notifications_status (status, created_at)`);
    await q.query("UPDATE notifications SET status = 'skipped', last_error = 'queued before email delivery existed'");
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE notifications
      DROP KEY ix_notifications_status,
      DROP COLUMN status, DROP COLUMN attempts, DROP COLUMN claimed_until,
      DROP COLUMN message_id, DROP COLUMN sent_at, DROP COLUMN last_error`);
    await q.query('DROP TABLE ticket_checkins');
  }
}
