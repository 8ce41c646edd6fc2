import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit trail of admin actions (db/audit.ts): who did what to which
 * resource, when, and a small JSON of what changed. Rows are only ever
 * inserted. No foreign keys: an entry outlives the movie, hall or showtime it
 * names, and the actor is kept by id and role as they were at the time.
 */
export class AuditLog1764200000000 implements MigrationInterface {
  name = 'AuditLog1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE audit_log (
      id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
      at DATETIME(3) NOT NULL,
      actor_id INT UNSIGNED NOT NULL,
      actor_role VARCHAR(16) NOT NULL,
      action VARCHAR(40) NOT NULL,
      resource_type VARCHAR(20) NOT NULL,
      resource_id VARCHAR(40) NOT NULL,
      changes TEXT NOT NULL,
      workflow_id VARCHAR(255) NULL,
      request_id VARCHAR(128) NULL,
      PRIMARY KEY (id),
      KEY ix_audit_log_at (at),
      KEY ix_audit_log_resource (resource_type, resource_id, at),
      KEY ix_audit_log_actor (actor_id, at)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE audit_log');
  }
}
