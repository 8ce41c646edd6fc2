import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * users.token_version: every token carries the version it was issued with
 * (claim `tv`), and a request whose token is older than the user's version is
 * refused. A password change, a role change and "sign out everywhere" bump it
 * (docs/api.md, Tokens). Existing users start at 0, which is also what tokens
 * issued before this migration count as, so nobody is signed out by it.
 */
export class TokenVersion1764300000000 implements MigrationInterface {
  name = 'TokenVersion1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE users ADD COLUMN token_version INT UNSIGNED NOT NULL DEFAULT 0 AFTER role');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE users DROP COLUMN token_version');
  }
}
