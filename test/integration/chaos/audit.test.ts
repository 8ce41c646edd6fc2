import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { expect } from 'chai';
import type Stripe from 'stripe';
import type { QueryRunner } from 'typeorm';
import { connectTemporalClient } from '../../../clients/temporal.js';
import { systemClock } from '../../../core/clock.js';
import { loadSeatMap } from '../../../db/seat-map.js';
import { providerPayments, runningCheckouts } from '../../chaos/audit-sources.js';
import {
  audit,
  bookedSeatsMatchBookings,
  checkoutsClosedInTime,
  holdsWithinTtl,
  paymentsAccounted,
  promoRedemptions,
  seatsBookedOnce,
  waitlistOffers,
  watchersMatchDatabase,
  type AuditSources,
  type ProviderPayment,
  type Violation,
} from '../../chaos/audit.js';
import { testConfig } from '../../support/config.js';
import { freshDatabase, type TestDatabase } from '../../support/database.js';
import { createShowtime, createUser, eventually, type ShowtimeFixture } from '../../support/fixtures.js';
import { sharedLocalstripe, testStripeClient } from '../../support/localstripe.js';

const LIMITS = { holdGraceS: 10, recoveryS: 60, holdTtlS: 20 };
const MINUTE = 60_000;

/**
 * The soak's auditor can fail: a consistent world (bookings, holds, a promo
 * code, a waitlist offer, payments, a watcher) reports nothing, and each
 * violation planted in it is reported by its check, naming what breaks it.
 * Each plant is made in a transaction that is rolled back after its test, so
 * every test starts from the consistent world.
 */
describe('chaos auditor: every check reports what breaks its invariant, and a consistent world reports nothing', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let temporal: Client;
  let stripe: Stripe;
  let closeStripe: () => Promise<void>;
  let show: ShowtimeFixture;
  let seat: (i: number) => number;
  let tx: QueryRunner;
  let ids: Record<'confirmed' | 'open' | 'expired' | 'offer', string>;
  let users: { buyer: number; waiter: number };
  let entries: { offered: string; waiting: string };
  const confirmedIntent = `pi_audit_${randomUUID().slice(0, 8)}`;

  const exec = (sql: string, params: unknown[] = []): Promise<unknown> => tx.query(sql, params);
  const at = (offsetMs: number): Date => new Date(Date.now() + offsetMs);

  async function insertBooking(
    run: (sql: string, params?: unknown[]) => Promise<unknown>,
    b: { id: string; userId: number; status: string; seats: number[]; intent?: string; promo?: string; expiresAt: Date },
  ): Promise<void> {
    await run(
      `INSERT INTO bookings (id, user_id, showtime_id, status, amount, currency, payment_provider, payment_intent_id, hold_expires_at, created_at, updated_at, promo_code, discount)
       VALUES (?, ?, ?, ?, ?, 'USD', 'stripe', ?, ?, NOW(3), NOW(3), ?, 0)`,
      [b.id, b.userId, show.showtimeId, b.status, 1000 * b.seats.length, b.intent ?? null, b.expiresAt, b.promo ?? null],
    );
    for (const s of b.seats) await run("INSERT INTO booking_seats (booking_id, show_seat_id, label, price, ticket_type, discount) VALUES (?, ?, 'A1', 1000, 'adult', 0)", [b.id, s]);
  }

  /** All sources for the consistent world, with the watcher showing exactly what the database shows. */
  async function sources(over: Partial<AuditSources> = {}): Promise<AuditSources> {
    const map = (await loadSeatMap(tx, show.showtimeId, new Date()))!;
    const payments: ProviderPayment[] = [{ intentId: confirmedIntent, checkoutId: ids.confirmed, status: 'succeeded', amount: 2000, refunds: [] }];
    return {
      ds: tx,
      now: new Date(),
      limits: LIMITS,
      running: [],
      payments,
      watchers: [{ name: 'api-1 st', showtimeId: show.showtimeId, view: { version: map.version, statuses: Object.fromEntries(map.seats.map((s) => [s.id, s.status])) } }],
      ...over,
    };
  }

  const subjects = (vs: Violation[]): string[] => vs.map((v) => v.subject).sort();

  before(async () => {
    db = await freshDatabase('chaos_audit');
    const config = testConfig({ DATABASE_URL: db.url });
    temporal = await connectTemporalClient(config);
    const ls = await sharedLocalstripe();
    stripe = testStripeClient(ls.url);
    closeStripe = ls.close;
    show = await createShowtime(db.ds);
    seat = (i) => show.seatIds[i]!;
    const deps = { ds: db.ds, config, clock: systemClock };
    users = { buyer: (await createUser(deps)).id, waiter: (await createUser(deps)).id };
    const tag = randomUUID().replace(/-/g, '').slice(0, 10).toUpperCase();
    ids = { confirmed: `chk_AUDITCONF${tag}`, open: `chk_AUDITOPEN${tag}`, expired: `chk_AUDITEXPD${tag}`, offer: `chk_AUDITOFFR${tag}` };
    entries = { offered: `wl_AUDITOFFR${tag}`, waiting: `wl_AUDITWAIT${tag}` };
    const run = (sql: string, params: unknown[] = []) => db.ds.query(sql, params);

    // A confirmed booking of seats 0 and 1, paid, with a promo code's redemption in use.
    await run(
      "INSERT INTO promo_codes (code, kind, value, max_redemptions, per_user_limit, redemptions, active, created_at, updated_at) VALUES ('AUDIT10', 'percent', 10, 3, 1, 1, 1, NOW(3), NOW(3))",
    );
    const [{ id: promoId }] = await run("SELECT id FROM promo_codes WHERE code = 'AUDIT10'");
    await insertBooking(run, { id: ids.confirmed, userId: users.buyer, status: 'CONFIRMED', seats: [seat(0), seat(1)], intent: confirmedIntent, promo: 'AUDIT10', expiresAt: at(-MINUTE) });
    await run("UPDATE show_seats SET status = 'booked', booking_id = ? WHERE id IN (?, ?)", [ids.confirmed, seat(0), seat(1)]);
    await run("INSERT INTO promo_redemptions (booking_id, promo_code_id, user_id, status, created_at) VALUES (?, ?, ?, 'active', NOW(3))", [ids.confirmed, promoId, users.buyer]);
    // An open checkout holding seat 2; an expired one whose redemption was given back.
    await insertBooking(run, { id: ids.open, userId: users.buyer, status: 'AWAITING_PAYMENT', seats: [seat(2)], expiresAt: at(10 * MINUTE) });
    await run("UPDATE show_seats SET status = 'held', checkout_id = ?, held_until = ? WHERE id = ?", [ids.open, at(10 * MINUTE), seat(2)]);
    await insertBooking(run, { id: ids.expired, userId: users.buyer, status: 'EXPIRED', seats: [seat(4)], promo: 'AUDIT10', expiresAt: at(-5 * MINUTE) });
    await run("INSERT INTO promo_redemptions (booking_id, promo_code_id, user_id, status, created_at, returned_at) VALUES (?, ?, ?, 'returned', NOW(3), NOW(3))", [
      ids.expired,
      promoId,
      users.buyer,
    ]);
    // A waitlist offer holding seat 3 for the first in line; the second still waiting.
    await run("INSERT INTO waitlist_entries (id, showtime_id, user_id, seat_count, status, created_at, updated_at) VALUES (?, ?, ?, 1, 'waiting', NOW(3), NOW(3))", [
      entries.offered,
      show.showtimeId,
      users.waiter,
    ]);
    await run("INSERT INTO waitlist_entries (id, showtime_id, user_id, seat_count, status, created_at, updated_at) VALUES (?, ?, ?, 1, 'waiting', NOW(3), NOW(3))", [
      entries.waiting,
      show.showtimeId,
      users.buyer,
    ]);
    await insertBooking(run, { id: ids.offer, userId: users.waiter, status: 'AWAITING_PAYMENT', seats: [seat(3)], expiresAt: at(10 * MINUTE) });
    await run("UPDATE show_seats SET status = 'held', checkout_id = ?, held_until = ? WHERE id = ?", [ids.offer, at(10 * MINUTE), seat(3)]);
    await run("UPDATE waitlist_entries SET status = 'offered', offer_checkout_id = ? WHERE id = ?", [ids.offer, entries.offered]);
    await run('UPDATE showtimes SET seat_version = seat_version + 4 WHERE id = ?', [show.showtimeId]);
  });

  beforeEach(async () => {
    tx = db.ds.createQueryRunner();
    await tx.startTransaction();
  });
  afterEach(async () => {
    await tx.rollbackTransaction();
    await tx.release();
  });
  after(async () => {
    await temporal?.connection.close();
    await closeStripe?.();
    await db?.drop();
  });

  it('the consistent world: every check reports nothing', async () => {
    const results = await audit(await sources());
    expect(results.map((r) => r.check)).to.have.length(8);
    expect(results.flatMap((r) => r.violations)).to.deep.equal([]);
  });

  it('seats-booked-once: a seat in two confirmed bookings', async () => {
    await insertBooking(exec, { id: `${ids.confirmed}X`, userId: users.waiter, status: 'CONFIRMED', seats: [seat(0)], expiresAt: at(-MINUTE) });
    const found = await seatsBookedOnce(await sources());
    expect(found).to.deep.equal([{ check: 'seats-booked-once', subject: `seat ${seat(0)}`, detail: `in confirmed bookings ${ids.confirmed},${ids.confirmed}X` }]);
  });

  it('booked-seats-match-bookings: a seat booked for a booking that is not confirmed, and a confirmed booking whose seat is not booked', async () => {
    await exec("UPDATE show_seats SET status = 'booked', booking_id = ? WHERE id = ?", [ids.expired, seat(4)]);
    await exec("UPDATE show_seats SET status = 'available', booking_id = NULL WHERE id = ?", [seat(1)]);
    const found = await bookedSeatsMatchBookings(await sources());
    expect(subjects(found)).to.deep.equal([`booking ${ids.confirmed}`, `seat ${seat(4)}`].sort());
    expect(found.find((v) => v.subject === `seat ${seat(4)}`)!.detail).to.equal(`booked for ${ids.expired} (EXPIRED)`);
    expect(found.find((v) => v.subject === `booking ${ids.confirmed}`)!.detail).to.equal(`CONFIRMED, but its seat ${seat(1)} is available for nobody`);
  });

  it('holds-within-ttl: a seat held past its TTL plus the grace, and one held for a checkout that closed', async () => {
    await exec('UPDATE show_seats SET held_until = ? WHERE id = ?', [at(-(LIMITS.holdGraceS + 5) * 1000), seat(2)]);
    await exec("UPDATE show_seats SET status = 'held', checkout_id = ?, held_until = ? WHERE id = ?", [ids.expired, at(MINUTE), seat(5)]);
    const found = await holdsWithinTtl(await sources());
    expect(subjects(found)).to.deep.equal([`seat ${seat(2)}`, `seat ${seat(5)}`].sort());
    expect(found.find((v) => v.subject === `seat ${seat(5)}`)!.detail).to.equal(`held by ${ids.expired}, which is EXPIRED`);
  });

  it('holds-within-ttl: a seat held within the grace after its TTL is not reported', async () => {
    await exec('UPDATE show_seats SET held_until = ? WHERE id = ?', [at(-(LIMITS.holdGraceS - 5) * 1000), seat(2)]);
    expect(await holdsWithinTtl(await sources())).to.deep.equal([]);
  });

  it('checkouts-closed-in-time: a checkout open past its deadline plus the recovery time, and a checkout workflow Temporal still runs past it', async () => {
    await exec('UPDATE bookings SET hold_expires_at = ? WHERE id = ?', [at(-(LIMITS.recoveryS + 30) * 1000), ids.open]);
    // A workflow no worker will ever run: Temporal lists it as running, past the deadline of its (expired) booking.
    const stuck = ids.expired;
    await temporal.workflow.start('checkoutWorkflow', { workflowId: stuck, taskQueue: `chaos-audit-${randomUUID()}`, args: [{}] });
    try {
      const running = await eventually(async () => {
        const listed = await runningCheckouts(temporal);
        return listed.some((r) => r.workflowId === stuck) && listed;
      }, 15_000);
      const mine = running.filter((r) => r.workflowId === stuck);
      const found = await checkoutsClosedInTime(await sources({ running: mine }));
      expect(subjects(found)).to.deep.equal([`checkout ${ids.open}`, `workflow ${stuck}`].sort());
      // Within the recovery time nothing is reported.
      expect(await checkoutsClosedInTime(await sources({ running: mine, limits: { ...LIMITS, recoveryS: 3600 } }))).to.deep.equal([]);
    } finally {
      await temporal.workflow.getHandle(stuck).terminate('test over');
    }
  });

  it('payments-accounted: a payment kept without a booking, a payment refunded twice, and a confirmed booking whose payment was refunded (read from localstripe)', async () => {
    const paid = async (checkoutId: string): Promise<string> => {
      const pi = await stripe.paymentIntents.create({ amount: 1000, currency: 'usd', metadata: { checkoutId } });
      await stripe.paymentIntents.update(pi.id, { payment_method: 'pm_card_visa' });
      await stripe.paymentIntents.confirm(pi.id);
      return pi.id;
    };
    const kept = await paid('chk_nobooking');
    const twice = await paid('chk_refundedtwice');
    await stripe.refunds.create({ payment_intent: twice });
    await stripe.refunds.create({ payment_intent: twice });
    const once = await paid('chk_refundedonce');
    await stripe.refunds.create({ payment_intent: once });
    const mine = new Set([kept, twice, once]);
    const payments = await providerPayments(stripe, (id) => mine.has(id));
    expect(payments).to.have.length(3);
    const refundedConfirmed: ProviderPayment = { intentId: confirmedIntent, checkoutId: ids.confirmed, status: 'succeeded', amount: 2000, refunds: [{ id: 're_x', amount: 2000 }] };
    const found = await paymentsAccounted(await sources({ payments: [...payments, refundedConfirmed] }));
    expect(found.map((v) => [v.subject, v.detail])).to.have.deep.members([
      [`payment ${kept} (chk_nobooking)`, 'succeeded for 1000, not refunded, and no CONFIRMED booking was paid with it'],
      [`payment ${twice} (chk_refundedtwice)`, `refunded 2 times (${payments.find((p) => p.intentId === twice)!.refunds.map((r) => r.id).join(', ')})`],
      [`payment ${twice} (chk_refundedtwice)`, 'refunded 2000 of 1000'],
      [`payment ${confirmedIntent} (${ids.confirmed})`, `refunded, but booking ${ids.confirmed} is CONFIRMED with it`],
    ]);
  });

  it('promo-redemptions: a count that disagrees with the rows, a redemption still in use by an expired checkout, an open checkout with a code but no redemption', async () => {
    await exec("UPDATE promo_codes SET redemptions = 2 WHERE code = 'AUDIT10'");
    await exec("UPDATE promo_redemptions SET status = 'active' WHERE booking_id = ?", [ids.expired]);
    await exec("UPDATE bookings SET promo_code = 'AUDIT10' WHERE id = ?", [ids.open]);
    const found = await promoRedemptions(await sources());
    expect(found.map((v) => [v.subject, v.detail])).to.have.deep.members([
      ['code AUDIT10', `user ${users.buyer} has 2 redemptions in use, more than its 1 per user`],
      [`booking ${ids.expired}`, 'EXPIRED, but its redemption is still in use'],
      [`booking ${ids.open}`, 'AWAITING_PAYMENT with code AUDIT10, but no redemption in use'],
    ]);
    await exec("UPDATE promo_codes SET redemptions = 5, max_redemptions = 1 WHERE code = 'AUDIT10'");
    expect((await promoRedemptions(await sources())).map((v) => v.detail)).to.include.members([
      'counts 5 redemptions in use, 2 active rows',
      '2 redemptions in use, more than its 1',
    ]);
  });

  it('waitlist-offers: a seat in two live offers, an offer held for an entry that left, an entry still offered after its checkout closed, a hold without a buyer', async () => {
    const second = `${ids.offer}2`;
    await insertBooking(exec, { id: second, userId: users.buyer, status: 'AWAITING_PAYMENT', seats: [seat(3)], expiresAt: at(10 * MINUTE) });
    await exec("UPDATE waitlist_entries SET status = 'offered', offer_checkout_id = ? WHERE id = ?", [second, entries.waiting]);
    let found = await waitlistOffers(await sources());
    expect(found.map((v) => [v.subject, v.detail])).to.deep.equal([[`seat ${seat(3)}`, `offered to entries ${[entries.offered, entries.waiting].sort().join(',')} at once`]]);

    await exec("UPDATE waitlist_entries SET status = 'left' WHERE id = ?", [entries.offered]);
    await exec("UPDATE waitlist_entries SET offer_checkout_id = ? WHERE id = ?", [ids.expired, entries.waiting]);
    await exec("UPDATE show_seats SET status = 'held', checkout_id = 'chk_ghost', held_until = ? WHERE id = ?", [at(MINUTE), seat(6)]);
    found = await waitlistOffers(await sources());
    expect(found.map((v) => [v.subject, v.detail])).to.have.deep.members([
      [`seat ${seat(3)}`, `held for entry ${entries.offered} (left, user ${users.waiter}) by a checkout of user ${users.waiter}`],
      [`seat ${seat(6)}`, 'held by chk_ghost, which has no buyer'],
      [`entry ${entries.waiting}`, `still offered, but its checkout ${ids.expired} is EXPIRED`],
    ]);
  });

  it('watchers-match-database: a watcher behind by a version, one showing a wrong seat, one that never got the map', async () => {
    const base = await sources();
    const view = base.watchers[0]!.view!;
    const found = await watchersMatchDatabase({
      ...base,
      watchers: [
        { name: 'behind', showtimeId: show.showtimeId, view: { ...view, version: view.version - 1 } },
        { name: 'wrong', showtimeId: show.showtimeId, view: { ...view, statuses: { ...view.statuses, [seat(2)]: 'available' } } },
        { name: 'blind', showtimeId: show.showtimeId, view: null },
        { name: 'right', showtimeId: show.showtimeId, view },
      ],
    });
    expect(found.map((v) => [v.subject, v.detail])).to.deep.equal([
      ['watcher behind', `version ${view.version - 1}, database ${view.version}; 0 seats differ`],
      ['watcher wrong', `version ${view.version}, database ${view.version}; 1 seats differ (${seat(2)} available≠held)`],
      ['watcher blind', `never received the seat map (database at version ${view.version})`],
    ]);
  });
});
