import { expect } from 'chai';
import { checkoutIdForKey } from '../../../core/ids.js';
import type { CheckoutState } from '../../../workflows/contracts.js';
import { MOCK_CARDS } from '../../../payments/mock-provider.js';
import { statementsInProgress } from '../../support/database.js';
import { createTestDeps, type TestDeps } from '../../support/deps.js';
import { createShowtime, createUser, createUsers, eventually, seatStatuses, type ShowtimeFixture, type TestUser } from '../../support/fixtures.js';
import { startTestApi, type TestApi } from '../../support/http.js';
import { createPromoCode, redemptionsOf } from '../../support/promo-codes.js';
import { startTestWorker, workflowStarted, type TestWorker } from '../../support/worker.js';

const DAY_MS = 86_400_000;

/** What a suite needs: real MariaDB, Redis and Temporal, a worker and the API. */
async function stack(name: string, holdTtlSeconds: number) {
  // Its customers keep checkouts open from test to test; the open-checkout limits have tests of their own.
  const deps = await createTestDeps(name, { config: { HOLD_TTL_SECONDS: String(holdTtlSeconds), MAX_OPEN_CHECKOUTS_PER_USER: '100', MAX_OPEN_CHECKOUTS_PER_SHOWTIME: '100' } });
  const worker = await startTestWorker(deps);
  const api = await startTestApi(deps);
  const admin = await createUser(deps, 'admin');
  return { deps, worker, api, admin };
}


describe('promo codes at the hold (real MySQL, real Temporal)', function () {
  this.timeout(120_000);
  let deps: TestDeps;
  let api: TestApi;
  let worker: TestWorker;
  let admin: TestUser;
  let show: ShowtimeFixture;
  let alice: TestUser;
  let bob: TestUser;
  let next = 0;

  before(async () => {
    ({ deps, worker, api, admin } = await stack('promo_codes', 60));
    show = await createShowtime(deps.ds, { layout: ['RRRRRRRRRRRR', 'RRRRRRRRRRRR', 'RRRRRRRRRRRR', 'RRRRRRRRRRRR'], basePrice: 1000 });
    [alice, bob] = [await createUser(deps), await createUser(deps)];
  });
  after(async () => {
    await api?.close();
    await worker?.stop();
    await deps?.close();
  });

  /** A seat nobody in this suite has asked for yet. */
  const freshSeat = (): number => show.seatIds[next++]!;
  const hold = (user: TestUser, body: Record<string, unknown>, key?: string) =>
    api.request('POST', '/api/v1/checkouts', { token: user.token, body: { showtimeId: show.showtimeId, seatIds: [freshSeat()], ...body }, headers: key ? { 'idempotency-key': key } : {} });
  const post = (path: string, user: TestUser, body: unknown = {}) => api.request('POST', `/api/v1${path}`, { token: user.token, body });
  const snapshot = async () => ({
    bookings: Number((await deps.ds.query('SELECT COUNT(*) AS n FROM bookings'))[0].n),
    held: Number((await deps.ds.query("SELECT COUNT(*) AS n FROM show_seats WHERE status <> 'available'"))[0].n),
    redemptions: Number((await deps.ds.query('SELECT COUNT(*) AS n FROM promo_redemptions'))[0].n),
    counted: Number((await deps.ds.query('SELECT COALESCE(SUM(redemptions), 0) AS n FROM promo_codes'))[0].n),
  });

  it('takes the discount off the lines’ total, spreads it over the lines, and the payment asks for the rest', async () => {
    const code = await createPromoCode(api, admin, { code: 'Save10', kind: 'percent', value: 10 });
    expect(code.code).to.equal('SAVE10');
    const [a, b] = [freshSeat(), freshSeat()];
    const held = await post('/checkouts', alice, { showtimeId: show.showtimeId, seatIds: [a, b], ticketTypes: { [a]: 'child' }, promoCode: 'save10' });
    expect(held.status, JSON.stringify(held.body)).to.equal(201);
    // 700 (child) + 1000 (adult) = 1700; 10 % = 170, split 70 / 100.
    expect(held.body.discount).to.deep.equal({ code: 'SAVE10', amount: 170 });
    expect(held.body.amount).to.equal(1530);
    expect(held.body.lines.map((l: { price: number; discount: number; amount: number }) => [l.price, l.discount, l.amount])).to.deep.equal([
      [700, 70, 630],
      [1000, 100, 900],
    ]);
    expect((await deps.payments.getIntent(held.body.payment.intentId)).amount).to.equal(1530);
    const [row] = await deps.ds.query('SELECT amount, discount, promo_code FROM bookings WHERE id = ?', [held.body.checkoutId]);
    expect(row).to.deep.equal({ amount: 1530, discount: 170, promo_code: 'SAVE10' });
    expect(await redemptionsOf(deps.ds, code.id)).to.deep.equal({ counted: 1, active: 1, returned: 0 });

    const paid = await post(`/checkouts/${held.body.checkoutId}/pay`, alice, { card: MOCK_CARDS.succeeds });
    expect(paid.body).to.include({ status: 'CONFIRMED', amount: 1530 });
    const booking = await api.request('GET', `/api/v1/bookings/${held.body.checkoutId}`, { token: alice.token });
    expect(booking.body.discount).to.deep.equal({ code: 'SAVE10', amount: 170 });
    expect(booking.body.lines.map((l: { discount: number }) => l.discount)).to.deep.equal([70, 100]);
    const shown = await api.request('GET', `/api/v1/admin/promo-codes/${code.id}`, { token: admin.token });
    expect(shown.body.redemptions, 'a confirmed booking keeps its redemption').to.equal(1);
  });

  it('a discount above the total takes it to 0, not below: a free booking, where a card sent anyway is not looked at', async () => {
    await createPromoCode(api, admin, { code: 'FREEBIE', kind: 'fixed', value: 5000 });
    const held = await hold(alice, { promoCode: 'FREEBIE' });
    expect(held.status).to.equal(201);
    expect(held.body).to.deep.include({ amount: 0, discount: { code: 'FREEBIE', amount: 1000 } });
    expect(held.body.payment.provider, 'free-bookings.test.ts has the rest').to.equal('free');
    const paid = await post(`/checkouts/${held.body.checkoutId}/pay`, alice, { card: MOCK_CARDS.succeeds });
    expect(paid.body).to.include({ status: 'CONFIRMED', amount: 0 });
  });

  describe('codes that cannot be redeemed are refused with 422 PROMO_CODE_INVALID and change nothing', () => {
    const now = Date.now();
    const cases: [string, Record<string, unknown> | null, string, string][] = [
      ['an unknown code', null, 'NO-SUCH-CODE', 'unknown'],
      ['a code no customer could type', null, 'not a code!', 'unknown'],
      ['an expired code', { kind: 'fixed', value: 100, validUntil: new Date(now - DAY_MS).toISOString() }, 'OLD', 'expired'],
      ['a code not valid yet', { kind: 'fixed', value: 100, validFrom: new Date(now + DAY_MS).toISOString() }, 'SOON', 'not-yet-valid'],
      ['a code of another movie', { kind: 'fixed', value: 100 }, 'OTHERFILM', 'not-applicable'],
      ['a deactivated code', { kind: 'fixed', value: 100, active: false }, 'PAUSED', 'unknown'],
    ];
    for (const [name, create, code, reason] of cases) {
      it(`${name}: ${reason}, before any workflow starts`, async () => {
        if (create) {
          const movieIds = code === 'OTHERFILM' ? [(await createShowtime(deps.ds)).movieId] : [];
          await createPromoCode(api, admin, { code, movieIds, ...create });
        }
        const before = await snapshot();
        const key = `refused-${code.replace(/\W/g, '')}`;
        const res = await hold(alice, { promoCode: code.toLowerCase() }, key);
        expect(res.status, JSON.stringify(res.body)).to.equal(422);
        expect(res.body.error.code).to.equal('PROMO_CODE_INVALID');
        expect(res.body.error.details).to.deep.equal({ code: code.toUpperCase(), reason });
        expect(await snapshot()).to.deep.equal(before);
        expect(await workflowStarted(deps, checkoutIdForKey(alice.id, key))).to.equal(false);
      });
    }
  });

  it('12 simultaneous buyers of a code with 5 redemptions: exactly 5 win, 7 are refused as exhausted, nobody else holds seats', async () => {
    const code = await createPromoCode(api, admin, { code: 'FIVE', kind: 'percent', value: 20, maxRedemptions: 5 });
    const buyers = await createUsers(deps, 12);
    const seats = buyers.map(() => freshSeat());
    const replies = await Promise.all(
      buyers.map((u, i) =>
        api.request('POST', '/api/v1/checkouts', { token: u.token, body: { showtimeId: show.showtimeId, seatIds: [seats[i]], promoCode: 'five' }, headers: { 'idempotency-key': `race-${i}` } }),
      ),
    );
    const won = replies.flatMap((r, i) => (r.status === 201 ? [i] : []));
    const lost = replies.flatMap((r, i) => (r.status !== 201 ? [i] : []));
    expect(won, JSON.stringify(replies.map((r) => r.status))).to.have.length(5);
    for (const i of won) expect(replies[i]!.body).to.deep.include({ discount: { code: 'FIVE', amount: 200 }, amount: 800 });
    for (const i of lost) {
      expect(replies[i]!.status).to.equal(422);
      expect(replies[i]!.body.error).to.deep.include({ code: 'PROMO_CODE_INVALID', details: { code: 'FIVE', reason: 'exhausted' } });
    }
    expect(await redemptionsOf(deps.ds, code.id)).to.deep.equal({ counted: 5, active: 5, returned: 0 });
    const rows = await seatStatuses(deps.ds, seats);
    for (const i of won) expect(rows[i]).to.include({ status: 'held', checkout_id: replies[i]!.body.checkoutId });
    for (const i of lost) expect(rows[i]!.status, `seat of loser ${i}`).to.equal('available');
    // A loser refused at admission started no workflow; one that got past it (its claim came after a winner's was
    // given back) was refused by the row-locked hold, which decides: its workflow failed holding nothing.
    for (const i of lost) {
      const id = checkoutIdForKey(buyers[i]!.id, `race-${i}`);
      if (!(await workflowStarted(deps, id))) continue;
      const state: CheckoutState = await deps.temporal.workflow.getHandle(id).result();
      expect(state).to.deep.include({ status: 'FAILED', seats: [] });
      expect(state.holdFailure).to.deep.include({ code: 'PROMO_CODE_INVALID', details: { code: 'FIVE', reason: 'exhausted' } });
    }
  });

  it('while holds with a code’s last redemptions are in flight, the next buyer is refused before any workflow starts', async () => {
    const code = await createPromoCode(api, admin, { code: 'LASTFIVE', kind: 'fixed', value: 100, maxRedemptions: 5 });
    const buyers = await createUsers(deps, 6);
    // One showtime each: they wait on the code's row, not on one showtime's row.
    const shows = await Promise.all(buyers.map(() => createShowtime(deps.ds)));
    const holdOwn = (i: number, key?: string) =>
      api.request('POST', '/api/v1/checkouts', {
        token: buyers[i]!.token,
        body: { showtimeId: shows[i]!.showtimeId, seatIds: [shows[i]!.seatIds[0]], promoCode: 'LASTFIVE' },
        headers: key ? { 'idempotency-key': key } : {},
      });
    // The test holds the code's row: the five holds wait in their transactions, their admission claims live.
    const lock = deps.ds.createQueryRunner();
    await lock.connect();
    await lock.startTransaction();
    let inFlight: Promise<{ status: number }>[];
    try {
      await lock.query('SELECT id FROM promo_codes WHERE id = ? FOR UPDATE', [code.id]);
      inFlight = [0, 1, 2, 3, 4].map((i) => holdOwn(i));
      await eventually(async () => (await statementsInProgress(deps.ds)).filter((s) => /FROM promo_codes WHERE code = .* FOR UPDATE/.test(s)).length === 5, 20_000, 20);
      const key = 'sixth-buyer';
      const sixth = await holdOwn(5, key);
      expect(sixth.status).to.equal(422);
      expect(sixth.body.error.details).to.deep.equal({ code: 'LASTFIVE', reason: 'exhausted' });
      expect(await workflowStarted(deps, checkoutIdForKey(buyers[5]!.id, key))).to.equal(false);
    } finally {
      await lock.rollbackTransaction();
      await lock.release();
    }
    const five = await Promise.all(inFlight);
    expect(five.map((r) => r.status)).to.deep.equal([201, 201, 201, 201, 201]);
    expect(await redemptionsOf(deps.ds, code.id)).to.deep.equal({ counted: 5, active: 5, returned: 0 });
  });

  it('a cancelled checkout gives its redemption back: the code can be used again', async () => {
    const code = await createPromoCode(api, admin, { code: 'ONCE-A', kind: 'fixed', value: 100, maxRedemptions: 1 });
    const held = await hold(alice, { promoCode: 'ONCE-A' });
    expect(held.status).to.equal(201);
    expect((await hold(bob, { promoCode: 'ONCE-A' })).body.error.details.reason).to.equal('exhausted');
    const cancelled = await post(`/checkouts/${held.body.checkoutId}/cancel`, alice);
    expect(cancelled.body.status).to.equal('CANCELLED');
    expect(await redemptionsOf(deps.ds, code.id)).to.deep.equal({ counted: 0, active: 0, returned: 1 });
    const again = await hold(bob, { promoCode: 'ONCE-A' });
    expect(again.status).to.equal(201);
    expect(again.body.discount).to.deep.equal({ code: 'ONCE-A', amount: 100 });
  });

  it('a confirmed booking cancelled and refunded gives its redemption back: the code can be used again', async () => {
    const code = await createPromoCode(api, admin, { code: 'ONCE-B', kind: 'percent', value: 50, maxRedemptions: 1 });
    const held = await hold(alice, { promoCode: 'ONCE-B' });
    expect(held.body.amount).to.equal(500);
    const paid = await post(`/checkouts/${held.body.checkoutId}/pay`, alice, { card: MOCK_CARDS.succeeds });
    expect(paid.body.status).to.equal('CONFIRMED');
    expect((await hold(bob, { promoCode: 'ONCE-B' })).body.error.details.reason).to.equal('exhausted');
    const refunded = await post(`/bookings/${held.body.checkoutId}/cancel`, alice, { reason: 'cannot come' });
    expect(refunded.body.status).to.equal('REFUNDED');
    expect(await redemptionsOf(deps.ds, code.id)).to.deep.equal({ counted: 0, active: 0, returned: 1 });
    const shown = await api.request('GET', `/api/v1/admin/promo-codes/${code.id}`, { token: admin.token });
    expect(shown.body.redemptions).to.equal(0);
    // The refunded booking still says which code it had and what it took off.
    const booking = await api.request('GET', `/api/v1/bookings/${held.body.checkoutId}`, { token: alice.token });
    expect(booking.body.discount).to.deep.equal({ code: 'ONCE-B', amount: 500 });
    expect((await hold(bob, { promoCode: 'ONCE-B' })).status).to.equal(201);
  });

  it('a per-user limit counts the user’s redemptions in use; others are not limited by it', async () => {
    const code = await createPromoCode(api, admin, { code: 'MINE', kind: 'fixed', value: 100, perUserLimit: 1 });
    const first = await hold(alice, { promoCode: 'MINE' });
    expect(first.status).to.equal(201);
    const before = await snapshot();
    const second = await hold(alice, { promoCode: 'MINE' });
    expect(second.status).to.equal(422);
    expect(second.body.error.details).to.deep.equal({ code: 'MINE', reason: 'per-user-limit' });
    expect(await snapshot()).to.deep.equal(before);
    expect((await hold(bob, { promoCode: 'MINE' })).status).to.equal(201);
    await post(`/checkouts/${first.body.checkoutId}/cancel`, alice);
    expect((await hold(alice, { promoCode: 'MINE' })).status, 'the user’s redemption was given back').to.equal(201);
    expect(await redemptionsOf(deps.ds, code.id)).to.deep.equal({ counted: 2, active: 2, returned: 1 });
  });

  it('a retry with the same Idempotency-Key and body reuses the redemption; another code with that key is refused and changes nothing', async () => {
    const one = await createPromoCode(api, admin, { code: 'KEYED-A', kind: 'fixed', value: 100 });
    const two = await createPromoCode(api, admin, { code: 'KEYED-B', kind: 'fixed', value: 200 });
    const seat = freshSeat();
    const send = (promoCode: string) =>
      api.request('POST', '/api/v1/checkouts', { token: alice.token, body: { showtimeId: show.showtimeId, seatIds: [seat], promoCode }, headers: { 'idempotency-key': 'promo-key' } });
    const first = await send('KEYED-A');
    expect(first.status).to.equal(201);
    const [again, lowerCase] = await Promise.all([send('KEYED-A'), send('keyed-a')]);
    expect(again.body).to.deep.equal(first.body);
    expect(lowerCase.body, 'codes compare case-insensitively, also for the key').to.deep.equal(first.body);
    expect(await redemptionsOf(deps.ds, one.id)).to.deep.equal({ counted: 1, active: 1, returned: 0 });
    const before = await snapshot();
    const other = await send('KEYED-B');
    expect(other.status).to.equal(422);
    expect(other.body.error.code).to.equal('IDEMPOTENCY_KEY_REUSED');
    expect(await snapshot()).to.deep.equal(before);
    expect(await redemptionsOf(deps.ds, two.id)).to.deep.equal({ counted: 0, active: 0, returned: 0 });
  });
});

describe('promo codes: a hold that expires gives its redemption back (real Temporal timer)', function () {
  this.timeout(60_000);
  let s: Awaited<ReturnType<typeof stack>>;

  before(async () => {
    s = await stack('promo_expiry', 2);
  });
  after(async () => {
    await s?.api.close();
    await s?.worker.stop();
    await s?.deps.close();
  });

  it('the code is in use while the hold lasts, and free again once it expired', async () => {
    const { deps, api, admin } = s;
    const show = await createShowtime(deps.ds);
    const [alice, bob] = [await createUser(deps), await createUser(deps)];
    const code = await createPromoCode(api, admin, { code: 'EXPIRES', kind: 'fixed', value: 100, maxRedemptions: 1 });
    const hold = (user: TestUser, seatId: number) =>
      api.request('POST', '/api/v1/checkouts', { token: user.token, body: { showtimeId: show.showtimeId, seatIds: [seatId], promoCode: 'EXPIRES' } });
    const held = await hold(alice, show.seatIds[0]!);
    expect(held.status).to.equal(201);
    const refused = await hold(bob, show.seatIds[1]!);
    expect(refused.body.error.details.reason).to.equal('exhausted');
    const state: CheckoutState = await deps.temporal.workflow.getHandle(held.body.checkoutId).result();
    expect(state.status).to.equal('EXPIRED');
    expect(await redemptionsOf(deps.ds, code.id)).to.deep.equal({ counted: 0, active: 0, returned: 1 });
    const [row] = await deps.ds.query('SELECT status, returned_at FROM promo_redemptions WHERE booking_id = ?', [held.body.checkoutId]);
    expect(row.status).to.equal('returned');
    expect(row.returned_at.getTime()).to.be.at.least(new Date(held.body.expiresAt).getTime());
    const now = await hold(bob, show.seatIds[1]!);
    expect(now.status).to.equal(201);
    expect(now.body.discount).to.deep.equal({ code: 'EXPIRES', amount: 100 });
  });
});
