import type { MigrationInterface, QueryRunner } from 'typeorm';

const TABLE_OPTIONS = 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci';

/**
 * Release 2: the waitlist of a sold-out showtime (docs/waitlist.md).
 *
 * `waitlist_entries.seq` is the queue order (first come, first served);
 * `offer_checkout_id` is the checkout that holds seats for the entry once it
 * has an offer (unique: one offer per entry). `active_for` lets a buyer be in a
showtime's line once at a time, however many requests race. Notifications may now concern a
 * waitlist entry instead of a booking (the offer and the closing emails), one
 * row per entry and kind, like one per booking and kind.
 */
export class Waitlist1764600000000 implements MigrationInterface {
  name = 'Waitlist1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE waitlist_entries (
      id VARCHAR(40) NOT NULL,
      seq BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
      showtime_id INT UNSIGNED NOT NULL,
      user_id INT UNSIGNED NOT NULL,
      seat_count TINYINT UNSIGNED NOT NULL,
      status VARCHAR(16) NOT NULL,
      offer_checkout_id VARCHAR(40) NULL,
      active_for VARCHAR(32) GENERATED ALWAYS AS (IF(status IN ('waiting', 'offered'), CONCAT(showtime_id, ':', user_id), NULL)) STORED,
      created_at DATETIME(3) NOT NULL,
      updated_at DATETIME(3) NOT NULL,
      PRIMARY KEY (id),
      UNIQUE KEY uq_waitlist_entries_seq (seq),
      UNIQUE KEY uq_waitlist_entries_offer (offer_checkout_id),
      UNIQUE KEY uq_waitlist_entries_active (active_for),
      KEY ix_waitlist_entries_showtime_status (showtime_id, status, seq),
      KEY ix_waitlist_entries_user (user_id, created_at),
      CONSTRAINT fk_waitlist_entries_showtime FOREIGN KEY (showtime_id) REFERENCES showtimes (id) ON DELETE CASCADE,
      CONSTRAINT fk_waitlist_entries_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
    ) ${TABLE_OPTIONS}`);

    await q.query(`ALTER TABLE notifications
      MODIFY booking_id VARCHAR(40) NULL,
      ADD COLUMN waitlist_entry_id VARCHAR(40) NULL AFTER booking_id,
      ADD UNIQUE KEY uq_notifications_waitlist_kind (waitlist_entry_id, kind),
      ADD CONSTRAINT fk_notifications_waitlist_entry FOREIGN KEY (waitlist_entry_id) REFERENCES waitlist_entries (id) ON DELETE CASCADE,
      ADD CONSTRAINT ck_notifications_subject CHECK ((booking_id IS NULL) <> (waitlist_entry_id IS NULL))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query("DELETE FROM notifications WHERE booking_id IS NULL");
    await q.query(`ALTER TABLE notifications
      DROP CONSTRAINT ck_notifications_subject,
      DROP FOREIGN KEY fk_notifications_waitlist_entry,
      DROP KEY uq_notifications_waitlist_kind,
      DROP COLUMN waitlist_entry_id,
      MODIFY booking_id VARCHAR(40) NOT NULL`);
    await q.query('DROP TABLE waitlist_entries');
  }
}
