import { expect } from 'chai';
import type { DataSource } from 'typeorm';
import type { TestUser } from './fixtures.js';
import type { TestApi } from './http.js';

/** A promo code made as an admin makes one, over HTTP; answers the created code. */
export async function createPromoCode(api: TestApi, admin: TestUser, body: Record<string, unknown>): Promise<{ id: number; code: string }> {
  const res = await api.request('POST', '/api/v1/admin/promo-codes', { token: admin.token, body });
  expect(res.status, JSON.stringify(res.body)).to.equal(201);
  return res.body;
}

/** A code's redemptions as stored: the count the code keeps and its redemption rows by status. */
export async function redemptionsOf(ds: DataSource, promoId: number): Promise<{ counted: number; active: number; returned: number }> {
  const [code]: { redemptions: number }[] = await ds.query('SELECT redemptions FROM promo_codes WHERE id = ?', [promoId]);
  const rows: { status: string; n: number }[] = await ds.query('SELECT status, COUNT(*) AS n FROM promo_redemptions WHERE promo_code_id = ? GROUP BY status', [promoId]);
  const of = (status: string) => Number(rows.find((r) => r.status === status)?.n ?? 0);
  return { counted: Number(code?.redemptions ?? NaN), active: of('active'), returned: of('returned') };
}
