import type { MigrationInterface, QueryRunner } from 'typeorm';

const TABLE_OPTIONS = 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci';

/** The default set as shipped: percent of the adult price, the same for every seat type. */
const DEFAULT_PERCENT: Record<string, number> = { child: 70, senior: 80, student: 85 };
const SEAT_TYPES = ['regular', 'premium', 'vip', 'accessible', 'companion'];

/**
 * Release 3: ticket types and promo codes (docs/pricing.md).
 *
 * `ticket_types` is the default set (which types are on sale) and
 * `ticket_type_rules` its price rule per ticket type and seat type; adult is
 * the base (the seat's own price) and has no rules. A showtime may override
 * both (`showtime_ticket_types`, `showtime_ticket_rules`).
 *
 * Each booking seat records its ticket type, its price as that type and its
 * share of the booking's discount; the booking records the code and the
 * discount. Existing bookings were all adult without a discount.
 *
 * `promo_codes.redemptions` counts the redemptions in use
 * (`promo_redemptions` rows that are `active`), kept in step under the promo
 * row's lock. The movie and showtime scope of a code has no foreign keys: a
 * deleted movie must not turn a code limited to it into one valid everywhere.
 */
export class TicketTypesAndPromoCodes1764500000000 implements MigrationInterface {
  name = 'TicketTypesAndPromoCodes1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE ticket_types (
      code VARCHAR(16) NOT NULL,
      sort SMALLINT UNSIGNED NOT NULL,
      on_sale TINYINT(1) NOT NULL DEFAULT 1,
      PRIMARY KEY (code)
    ) ${TABLE_OPTIONS}`);
    await q.query("INSERT INTO ticket_types (code, sort, on_sale) VALUES ('adult', 1, 1), ('child', 2, 1), ('senior', 3, 1), ('student', 4, 1)");

    await q.query(`CREATE TABLE ticket_type_rules (
      ticket_type VARCHAR(16) NOT NULL,
      seat_type VARCHAR(16) NOT NULL,
      kind VARCHAR(8) NOT NULL,
      value INT UNSIGNED NOT NULL,
      PRIMARY KEY (ticket_type, seat_type),
      CONSTRAINT fk_ticket_type_rules_type FOREIGN KEY (ticket_type) REFERENCES ticket_types (code)
    ) ${TABLE_OPTIONS}`);
    const rules = Object.entries(DEFAULT_PERCENT).flatMap(([type, percent]) => SEAT_TYPES.map((seat) => [type, seat, 'percent', percent]));
    await q.query(`INSERT INTO ticket_type_rules (ticket_type, seat_type, kind, value) VALUES ${rules.map(() => '(?, ?, ?, ?)').join(', ')}`, rules.flat());

    await q.query(`CREATE TABLE showtime_ticket_types (
      showtime_id INT UNSIGNED NOT NULL,
      ticket_type VARCHAR(16) NOT NULL,
      on_sale TINYINT(1) NOT NULL,
      PRIMARY KEY (showtime_id, ticket_type),
      CONSTRAINT fk_showtime_ticket_types_showtime FOREIGN KEY (showtime_id) REFERENCES showtimes (id) ON DELETE CASCADE,
      CONSTRAINT fk_showtime_ticket_types_type FOREIGN KEY (ticket_type) REFERENCES ticket_types (code)
    ) ${TABLE_OPTIONS}`);

    await q.query(`CREATE TABLE showtime_ticket_rules (
      showtime_id INT UNSIGNED NOT NULL,
      ticket_type VARCHAR(16) NOT NULL,
      seat_type VARCHAR(16) NOT NULL,
      kind VARCHAR(8) NOT NULL,
      value INT UNSIGNED NOT NULL,
      PRIMARY KEY (showtime_id, ticket_type, seat_type),
      CONSTRAINT fk_showtime_ticket_rules_showtime FOREIGN KEY (showtime_id) REFERENCES showtimes (id) ON DELETE CASCADE,
      CONSTRAINT fk_showtime_ticket_rules_type FOREIGN KEY (ticket_type) REFERENCES ticket_types (code)
    ) ${TABLE_OPTIONS}`);

    await q.query(`ALTER TABLE booking_seats
      ADD COLUMN ticket_type VARCHAR(16) NOT NULL DEFAULT 'adult',
      ADD COLUMN discount INT UNSIGNED NOT NULL DEFAULT 0`);
    await q.query(`ALTER TABLE bookings
      ADD COLUMN promo_code VARCHAR(32) NULL,
      ADD COLUMN discount INT UNSIGNED NOT NULL DEFAULT 0`);

    await q.query(`CREATE TABLE promo_codes (
      id INT UNSIGNED NOT NULL AUTO_INCREMENT,
      code VARCHAR(32) NOT NULL,
      kind VARCHAR(8) NOT NULL,
      value INT UNSIGNED NOT NULL,
      max_redemptions INT UNSIGNED NULL,
      per_user_limit INT UNSIGNED NULL,
      valid_from DATETIME(3) NULL,
      valid_until DATETIME(3) NULL,
      redemptions INT UNSIGNED NOT NULL DEFAULT 0,
      active TINYINT(1) NOT NULL DEFAULT 1,
      created_at DATETIME(3) NOT NULL,
      updated_at DATETIME(3) NOT NULL,
      PRIMARY KEY (id),
      UNIQUE KEY uq_promo_codes_code (code)
    ) ${TABLE_OPTIONS}`);

    await q.query(`CREATE TABLE promo_code_movies (
      promo_code_id INT UNSIGNED NOT NULL,
      movie_id INT UNSIGNED NOT NULL,
      PRIMARY KEY (promo_code_id, movie_id),
      CONSTRAINT fk_promo_code_movies_code FOREIGN KEY (promo_code_id) REFERENCES promo_codes (id) ON DELETE CASCADE
    ) ${TABLE_OPTIONS}`);

    await q.query(`CREATE TABLE promo_code_showtimes (
      promo_code_id INT UNSIGNED NOT NULL,
      showtime_id INT UNSIGNED NOT NULL,
      PRIMARY KEY (promo_code_id, showtime_id),
      CONSTRAINT fk_promo_code_showtimes_code FOREIGN KEY (promo_code_id) REFERENCES promo_codes (id) ON DELETE CASCADE
    ) ${TABLE_OPTIONS}`);

    await q.query(`CREATE TABLE promo_redemptions (
      booking_id VARCHAR(40) NOT NULL,
      promo_code_id INT UNSIGNED NOT NULL,
      user_id INT UNSIGNED NOT NULL,
      status VARCHAR(16) NOT NULL,
      created_at DATETIME(3) NOT NULL,
      returned_at DATETIME(3) NULL,
      PRIMARY KEY (booking_id),
      KEY ix_promo_redemptions_user (promo_code_id, user_id, status),
      CONSTRAINT fk_promo_redemptions_booking FOREIGN KEY (booking_id) REFERENCES bookings (id) ON DELETE CASCADE,
      CONSTRAINT fk_promo_redemptions_code FOREIGN KEY (promo_code_id) REFERENCES promo_codes (id)
    ) ${TABLE_OPTIONS}`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['promo_redemptions', 'promo_code_showtimes', 'promo_code_movies', 'promo_codes']) await q.query(`DROP TABLE ${table}`);
    await q.query('ALTER TABLE bookings DROP COLUMN promo_code, DROP COLUMN discount');
    await q.query('ALTER TABLE booking_seats DROP COLUMN ticket_type, DROP COLUMN discount');
    for (const table of ['showtime_ticket_rules', 'showtime_ticket_types', 'ticket_type_rules', 'ticket_types']) await q.query(`DROP TABLE ${table}`);
  }
}
