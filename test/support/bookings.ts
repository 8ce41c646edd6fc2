import { expect } from 'chai';
import { MOCK_CARDS } from '../../payments/mock-provider.js';
import type { TestUser } from './fixtures.js';
import type { TestApi } from './http.js';

/** A CONFIRMED booking of these seats, made as a customer makes one: hold, then pay, over HTTP. */
export async function confirmedBooking(api: TestApi, user: TestUser, showtimeId: number, seatIds: number[]): Promise<string> {
  const held = await api.request('POST', '/api/v1/checkouts', { token: user.token, body: { showtimeId, seatIds } });
  expect(held.status, JSON.stringify(held.body)).to.equal(201);
  const paid = await api.request('POST', `/api/v1/checkouts/${held.body.checkoutId}/pay`, { token: user.token, body: { card: MOCK_CARDS.succeeds } });
  expect(paid.status, JSON.stringify(paid.body)).to.equal(200);
  expect(paid.body.status).to.equal('CONFIRMED');
  return held.body.checkoutId as string;
}
