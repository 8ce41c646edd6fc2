import type { MigrationInterface, QueryRunner } from 'typeorm';

const TABLE_OPTIONS = 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci';

/** The release-1 schema (docs/architecture.md, Data access), in SQL that MySQL 8.4 and MariaDB 10.11 both accept. */
export class InitialSchema1764100000000 implements MigrationInterface {
  name = 'InitialSchema1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE users (
      id INT UNSIGNED NOT NULL AUTO_INCREMENT,
      email VARCHAR(254) NOT NULL,
      name VARCHAR(120) NOT NULL,
      password_hash VARCHAR(255) NOT NULL,
      role VARCHAR(16) NOT NULL DEFAULT 'user',
      created_at DATETIME(3) NOT NULL,
      PRIMARY KEY (id),
      UNIQUE KEY uq_users_email (email)
    ) ${TABLE_OPTIONS}`);

    await q.query(`CREATE TABLE genres (
      id INT UNSIGNED NOT NULL AUTO_INCREMENT,
      name VARCHAR(60) NOT NULL,
      PRIMARY KEY (id),
      UNIQUE KEY uq_genres_name (name)
    ) ${TABLE_OPTIONS}`);

    await q.query(`CREATE TABLE actors (
      id INT UNSIGNED NOT NULL AUTO_INCREMENT,
      name VARCHAR(120) NOT NULL,
      PRIMARY KEY (id),
      KEY ix_actors_name (name)
    ) ${TABLE_OPTIONS}`);

    await q.query(`CREATE TABLE movies (
      id INT UNSIGNED NOT NULL AUTO_INCREMENT,
      title VARCHAR(200) NOT NULL,
      synopsis TEXT NOT NULL,
      runtime_min SMALLINT UNSIGNED NOT NULL,
      rating VARCHAR(8) NOT NULL,
      poster_url VARCHAR(500) NULL,
      release_date DATE NOT NULL,
      available_from DATETIME(3) NOT NULL,
      available_until DATETIME(3) NOT NULL,
      created_at DATETIME(3) NOT NULL,
      PRIMARY KEY (id),
      KEY ix_movies_title (title),
      KEY ix_movies_availability (available_from, available_until)
    ) ${TABLE_OPTIONS}`);

    await q.query(`CREATE TABLE movie_genres (
      movie_id INT UNSIGNED NOT NULL,
      genre_id INT UNSIGNED NOT NULL,
      PRIMARY KEY (movie_id, genre_id),
      KEY ix_movie_genres_genre (genre_id),
      CONSTRAINT fk_movie_genres_movie FOREIGN KEY (movie_id) REFERENCES movies (id) ON DELETE CASCADE,
      CONSTRAINT fk_movie_genres_genre FOREIGN KEY (genre_id) REFERENCES genres (id) ON DELETE CASCADE
    ) ${TABLE_OPTIONS}`);

    await q.query(`CREATE TABLE movie_actors (
      movie_id INT UNSIGNED NOT NULL,
      actor_id INT UNSIGNED NOT NULL,
      billing_order SMALLINT UNSIGNED NOT NULL,
      PRIMARY KEY (movie_id, actor_id),
      KEY ix_movie_actors_actor (actor_id),
      CONSTRAINT fk_movie_actors_movie FOREIGN KEY (movie_id) REFERENCES movies (id) ON DELETE CASCADE,
      CONSTRAINT fk_movie_actors_actor FOREIGN KEY (actor_id) REFERENCES actors (id) ON DELETE CASCADE
    ) ${TABLE_OPTIONS}`);

    await q.query(`CREATE TABLE halls (
      id INT UNSIGNED NOT NULL AUTO_INCREMENT,
      name VARCHAR(80) NOT NULL,
      \`rows\` SMALLINT UNSIGNED NOT NULL,
      cols SMALLINT UNSIGNED NOT NULL,
      PRIMARY KEY (id),
      UNIQUE KEY uq_halls_name (name)
    ) ${TABLE_OPTIONS}`);

    await q.query(`CREATE TABLE hall_seats (
      id INT UNSIGNED NOT NULL AUTO_INCREMENT,
      hall_id INT UNSIGNED NOT NULL,
      row_label VARCHAR(4) NOT NULL,
      number SMALLINT UNSIGNED NOT NULL,
      seat_type VARCHAR(16) NOT NULL,
      grid_row SMALLINT UNSIGNED NOT NULL,
      grid_col SMALLINT UNSIGNED NOT NULL,
      PRIMARY KEY (id),
      UNIQUE KEY uq_hall_seats_label (hall_id, row_label, number),
      UNIQUE KEY uq_hall_seats_position (hall_id, grid_row, grid_col),
      CONSTRAINT fk_hall_seats_hall FOREIGN KEY (hall_id) REFERENCES halls (id) ON DELETE CASCADE
    ) ${TABLE_OPTIONS}`);

    await q.query(`CREATE TABLE showtimes (
      id INT UNSIGNED NOT NULL AUTO_INCREMENT,
      movie_id INT UNSIGNED NOT NULL,
      hall_id INT UNSIGNED NOT NULL,
      starts_at DATETIME(3) NOT NULL,
      ends_at DATETIME(3) NOT NULL,
      base_price INT UNSIGNED NOT NULL,
      currency CHAR(3) NOT NULL,
      status VARCHAR(16) NOT NULL DEFAULT 'scheduled',
      seat_version BIGINT UNSIGNED NOT NULL DEFAULT 0,
      created_at DATETIME(3) NOT NULL,
      PRIMARY KEY (id),
      KEY ix_showtimes_hall_time (hall_id, starts_at, ends_at),
      KEY ix_showtimes_movie_time (movie_id, starts_at),
      KEY ix_showtimes_starts_at (starts_at),
      CONSTRAINT fk_showtimes_movie FOREIGN KEY (movie_id) REFERENCES movies (id) ON DELETE RESTRICT,
      CONSTRAINT fk_showtimes_hall FOREIGN KEY (hall_id) REFERENCES halls (id) ON DELETE RESTRICT
    ) ${TABLE_OPTIONS}`);

    await q.query(`CREATE TABLE show_seats (
      id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
      showtime_id INT UNSIGNED NOT NULL,
      hall_seat_id INT UNSIGNED NOT NULL,
      price INT UNSIGNED NOT NULL,
      status VARCHAR(16) NOT NULL DEFAULT 'available',
      checkout_id VARCHAR(40) NULL,
      held_until DATETIME(3) NULL,
      booking_id VARCHAR(40) NULL,
      PRIMARY KEY (id),
      UNIQUE KEY uq_show_seats_showtime_seat (showtime_id, hall_seat_id),
      KEY ix_show_seats_showtime_status (showtime_id, status),
      KEY ix_show_seats_checkout (checkout_id),
      CONSTRAINT fk_show_seats_showtime FOREIGN KEY (showtime_id) REFERENCES showtimes (id) ON DELETE CASCADE,
      CONSTRAINT fk_show_seats_hall_seat FOREIGN KEY (hall_seat_id) REFERENCES hall_seats (id) ON DELETE RESTRICT
    ) ${TABLE_OPTIONS}`);

    await q.query(`CREATE TABLE bookings (
      id VARCHAR(40) NOT NULL,
      user_id INT UNSIGNED NOT NULL,
      showtime_id INT UNSIGNED NOT NULL,
      status VARCHAR(20) NOT NULL,
      amount INT UNSIGNED NOT NULL,
      currency CHAR(3) NOT NULL,
      payment_provider VARCHAR(16) NOT NULL,
      payment_intent_id VARCHAR(255) NULL,
      idempotency_key VARCHAR(255) NULL,
      hold_expires_at DATETIME(3) NOT NULL,
      reason VARCHAR(255) NULL,
      created_at DATETIME(3) NOT NULL,
      updated_at DATETIME(3) NOT NULL,
      PRIMARY KEY (id),
      UNIQUE KEY uq_bookings_user_idempotency_key (user_id, idempotency_key),
      KEY ix_bookings_user_created (user_id, created_at),
      KEY ix_bookings_showtime_status (showtime_id, status),
      KEY ix_bookings_status_created (status, created_at),
      KEY ix_bookings_payment_intent (payment_intent_id),
      CONSTRAINT fk_bookings_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE RESTRICT,
      CONSTRAINT fk_bookings_showtime FOREIGN KEY (showtime_id) REFERENCES showtimes (id) ON DELETE RESTRICT
    ) ${TABLE_OPTIONS}`);

    await q.query(`CREATE TABLE booking_seats (
      booking_id VARCHAR(40) NOT NULL,
      show_seat_id BIGINT UNSIGNED NOT NULL,
      label VARCHAR(12) NOT NULL,
      price INT UNSIGNED NOT NULL,
      PRIMARY KEY (booking_id, show_seat_id),
      KEY ix_booking_seats_show_seat (show_seat_id),
      CONSTRAINT fk_booking_seats_booking FOREIGN KEY (booking_id) REFERENCES bookings (id) ON DELETE CASCADE,
      CONSTRAINT fk_booking_seats_show_seat FOREIGN KEY (show_seat_id) REFERENCES show_seats (id) ON DELETE CASCADE
    ) ${TABLE_OPTIONS}`);

    await q.query(`CREATE TABLE payment_events (
      id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
      provider VARCHAR(16) NOT NULL,
      event_id VARCHAR(255) NOT NULL,
      type VARCHAR(64) NOT NULL,
      payment_intent_id VARCHAR(255) NULL,
      checkout_id VARCHAR(40) NULL,
      payload TEXT NOT NULL,
      received_at DATETIME(3) NOT NULL,
      PRIMARY KEY (id),
      UNIQUE KEY uq_payment_events_event (provider, event_id),
      KEY ix_payment_events_intent (payment_intent_id),
      KEY ix_payment_events_checkout (checkout_id)
    ) ${TABLE_OPTIONS}`);

    await q.query(`CREATE TABLE mock_payment_intents (
      id VARCHAR(64) NOT NULL,
      checkout_id VARCHAR(40) NOT NULL,
      amount INT UNSIGNED NOT NULL,
      currency CHAR(3) NOT NULL,
      status VARCHAR(32) NOT NULL,
      client_secret VARCHAR(128) NOT NULL,
      created_at DATETIME(3) NOT NULL,
      updated_at DATETIME(3) NOT NULL,
      PRIMARY KEY (id),
      UNIQUE KEY uq_mock_payment_intents_checkout (checkout_id)
    ) ${TABLE_OPTIONS}`);

    await q.query(`CREATE TABLE notifications (
      id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
      user_id INT UNSIGNED NOT NULL,
      booking_id VARCHAR(40) NOT NULL,
      kind VARCHAR(32) NOT NULL,
      channel VARCHAR(16) NOT NULL,
      body TEXT NOT NULL,
      created_at DATETIME(3) NOT NULL,
      PRIMARY KEY (id),
      UNIQUE KEY uq_notifications_booking_kind (booking_id, kind),
      KEY ix_notifications_user (user_id, created_at),
      CONSTRAINT fk_notifications_booking FOREIGN KEY (booking_id) REFERENCES bookings (id) ON DELETE CASCADE
    ) ${TABLE_OPTIONS}`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'notifications',
      'mock_payment_intents',
      'payment_events',
      'booking_seats',
      'bookings',
      'show_seats',
      'showtimes',
      'hall_seats',
      'halls',
      'movie_actors',
      'movie_genres',
      'movies',
      'actors',
      'genres',
      'users',
    ]) {
      await q.query(`DROP TABLE ${table}`);
    }
  }
}
