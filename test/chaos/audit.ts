import type { Sql } from '../../db/sql.js';
import { loadSeatMap } from '../../db/seat-map.js';
import { WAITLIST_HOLDER } from '../../core/waitlist.js';

/**
 * The soak's invariant auditor (docs/reliability.md): one function per
 * guarantee, each reading the stores as they are once the stack has healed
 * and answering what breaks it. It shares no code with what it audits but
 * the seat map's read model (what every browser is shown).
 */

export const CHECKS = [
  'seats-booked-once',
  'booked-seats-match-bookings',
  'holds-within-ttl',
  'checkouts-closed-in-time',
  'payments-accounted',
  'promo-redemptions',
  'waitlist-offers',
  'watchers-match-database',
] as const;
export type CheckName = (typeof CHECKS)[number];

export interface Violation {
  check: CheckName;
  /** What breaks it: a seat, booking, payment, code, entry or watcher. */
  subject: string;
  detail: string;
}

export interface AuditLimits {
  /** A seat may stay held this long past its held_until (its release is on its way). */
  holdGraceS: number;
  /** A checkout may stay open, or its workflow run, this long past its deadline (its steps retry after faults). */
  recoveryS: number;
  /** The deadline of a checkout workflow that never wrote its booking: its start plus this. */
  holdTtlS: number;
}

/** A checkout workflow that Temporal says is running. */
export interface RunningCheckout {
  workflowId: string;
  startTime: Date;
}

/** A payment intent at the payment provider, with its refunds. */
export interface ProviderPayment {
  intentId: string;
  checkoutId: string | null;
  status: string;
  amount: number;
  refunds: { id: string; amount: number }[];
}

/** What one live seat-map watcher shows at the end: null before its first snapshot. */
export interface WatcherView {
  name: string;
  showtimeId: number;
  view: { version: number; statuses: Record<number, string> } | null;
}

export interface AuditSources {
  ds: Sql;
  now: Date;
  limits: AuditLimits;
  running: RunningCheckout[];
  payments: ProviderPayment[];
  watchers: WatcherView[];
}

type Check = (s: AuditSources) => Promise<Violation[]>;

const OPEN = "('HOLDING', 'AWAITING_PAYMENT')";
const LIVE = "('HOLDING', 'AWAITING_PAYMENT', 'CONFIRMED')";
const ago = (s: AuditSources, seconds: number): Date => new Date(s.now.getTime() - seconds * 1000);
const iso = (d: Date | null): string => (d ? d.toISOString() : 'null');

/** No seat is in two confirmed bookings. */
export const seatsBookedOnce: Check = async ({ ds }) => {
  const rows: { seat: number; bookings: string }[] = await ds.query(
    `SELECT bs.show_seat_id AS seat, GROUP_CONCAT(b.id ORDER BY b.id) AS bookings FROM booking_seats bs JOIN bookings b ON b.id = bs.booking_id
      WHERE b.status = 'CONFIRMED' GROUP BY bs.show_seat_id HAVING COUNT(*) > 1`,
  );
  return rows.map((r) => ({ check: 'seats-booked-once', subject: `seat ${r.seat}`, detail: `in confirmed bookings ${r.bookings}` }));
};

/** Every booked seat belongs to one CONFIRMED booking that lists it, and every CONFIRMED booking's seats are booked by it. */
export const bookedSeatsMatchBookings: Check = async ({ ds }) => {
  const orphans: { id: number; booking_id: string | null; status: string | null; listed: number }[] = await ds.query(
    `SELECT s.id, s.booking_id, b.status, COUNT(bs.booking_id) AS listed FROM show_seats s
       LEFT JOIN bookings b ON b.id = s.booking_id
       LEFT JOIN booking_seats bs ON bs.booking_id = s.booking_id AND bs.show_seat_id = s.id
      WHERE s.status = 'booked' GROUP BY s.id, s.booking_id, b.status
     HAVING b.status IS NULL OR b.status <> 'CONFIRMED' OR listed = 0`,
  );
  const unbooked: { booking: string; seat: number; status: string; booking_id: string | null }[] = await ds.query(
    `SELECT b.id AS booking, s.id AS seat, s.status, s.booking_id FROM bookings b
       JOIN booking_seats bs ON bs.booking_id = b.id JOIN show_seats s ON s.id = bs.show_seat_id
      WHERE b.status = 'CONFIRMED' AND (s.status <> 'booked' OR s.booking_id IS NULL OR s.booking_id <> b.id)`,
  );
  return [
    ...orphans.map((r) => ({
      check: 'booked-seats-match-bookings' as const,
      subject: `seat ${r.id}`,
      detail: `booked for ${r.booking_id ?? 'nothing'} (${r.status ?? 'no booking'}${Number(r.listed) === 0 ? ', not among its seats' : ''})`,
    })),
    ...unbooked.map((r) => ({
      check: 'booked-seats-match-bookings' as const,
      subject: `booking ${r.booking}`,
      detail: `CONFIRMED, but its seat ${r.seat} is ${r.status} for ${r.booking_id ?? 'nobody'}`,
    })),
  ];
};

/** No seat is held past its held_until plus the grace, nor for a checkout that has closed. */
export const holdsWithinTtl: Check = async (s) => {
  const late: { id: number; checkout_id: string | null; held_until: Date | null }[] = await s.ds.query(
    "SELECT id, checkout_id, held_until FROM show_seats WHERE status = 'held' AND (held_until IS NULL OR held_until < ?)",
    [ago(s, s.limits.holdGraceS)],
  );
  const closed: { id: number; checkout_id: string; status: string }[] = await s.ds.query(
    `SELECT s.id, s.checkout_id, b.status FROM show_seats s JOIN bookings b ON b.id = s.checkout_id WHERE s.status = 'held' AND b.status NOT IN ${OPEN}`,
  );
  return [
    ...late.map((r) => ({
      check: 'holds-within-ttl' as const,
      subject: `seat ${r.id}`,
      detail: `held by ${r.checkout_id ?? 'nobody'} until ${iso(r.held_until)}, more than ${s.limits.holdGraceS} s ago`,
    })),
    ...closed.map((r) => ({ check: 'holds-within-ttl' as const, subject: `seat ${r.id}`, detail: `held by ${r.checkout_id}, which is ${r.status}` })),
  ];
};

/** No checkout is open, and no checkout workflow runs, past its deadline plus the recovery time. */
export const checkoutsClosedInTime: Check = async (s) => {
  const limit = ago(s, s.limits.recoveryS);
  const open: { id: string; status: string; hold_expires_at: Date }[] = await s.ds.query(
    `SELECT id, status, hold_expires_at FROM bookings WHERE status IN ${OPEN} AND hold_expires_at < ?`,
    [limit],
  );
  const violations: Violation[] = open.map((r) => ({
    check: 'checkouts-closed-in-time',
    subject: `checkout ${r.id}`,
    detail: `${r.status} with a deadline of ${iso(r.hold_expires_at)}, more than ${s.limits.recoveryS} s ago`,
  }));
  const ids = s.running.map((r) => r.workflowId);
  const deadlines = new Map<string, Date>();
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    const rows: { id: string; hold_expires_at: Date }[] = await s.ds.query(`SELECT id, hold_expires_at FROM bookings WHERE id IN (${chunk.map(() => '?').join(',')})`, chunk);
    for (const r of rows) deadlines.set(r.id, r.hold_expires_at);
  }
  for (const r of s.running) {
    const deadline = deadlines.get(r.workflowId) ?? new Date(r.startTime.getTime() + s.limits.holdTtlS * 1000);
    if (deadline < limit) {
      violations.push({
        check: 'checkouts-closed-in-time',
        subject: `workflow ${r.workflowId}`,
        detail: `still running; its deadline ${iso(deadline)} passed more than ${s.limits.recoveryS} s ago`,
      });
    }
  }
  return violations;
};

/** Every succeeded payment paid a CONFIRMED booking or was refunded in full, once; a CONFIRMED booking's payment is not refunded. */
export const paymentsAccounted: Check = async ({ ds, payments }) => {
  const rows: { id: string; status: string; payment_intent_id: string }[] = await ds.query(
    "SELECT id, status, payment_intent_id FROM bookings WHERE payment_intent_id IS NOT NULL AND status = 'CONFIRMED'",
  );
  const confirmedBy = new Map(rows.map((r) => [r.payment_intent_id, r.id]));
  const violations: Violation[] = [];
  const add = (p: ProviderPayment, detail: string) => violations.push({ check: 'payments-accounted', subject: `payment ${p.intentId} (${p.checkoutId ?? 'no checkout'})`, detail });
  for (const p of payments) {
    const refunded = p.refunds.reduce((sum, r) => sum + r.amount, 0);
    if (p.refunds.length > 1) add(p, `refunded ${p.refunds.length} times (${p.refunds.map((r) => r.id).join(', ')})`);
    if (refunded > p.amount) add(p, `refunded ${refunded} of ${p.amount}`);
    if (p.status !== 'succeeded') continue;
    const booking = confirmedBy.get(p.intentId);
    if (refunded === 0 && !booking) add(p, `succeeded for ${p.amount}, not refunded, and no CONFIRMED booking was paid with it`);
    if (refunded > 0 && refunded < p.amount) add(p, `refunded ${refunded} of ${p.amount} only`);
    if (refunded > 0 && booking) add(p, `refunded, but booking ${booking} is CONFIRMED with it`);
  }
  return violations;
};

/** Each code's count of redemptions in use is its active rows, within its limits; active rows are exactly those of open and confirmed checkouts. */
export const promoRedemptions: Check = async ({ ds }) => {
  const counts: { code: string; redemptions: number; active: number; max_redemptions: number | null }[] = await ds.query(
    `SELECT p.code, p.redemptions, p.max_redemptions,
            (SELECT COUNT(*) FROM promo_redemptions r WHERE r.promo_code_id = p.id AND r.status = 'active') AS active
       FROM promo_codes p`,
  );
  const perUser: { code: string; user_id: number; n: number; per_user_limit: number }[] = await ds.query(
    `SELECT p.code, r.user_id, COUNT(*) AS n, p.per_user_limit FROM promo_redemptions r JOIN promo_codes p ON p.id = r.promo_code_id
      WHERE r.status = 'active' AND p.per_user_limit IS NOT NULL GROUP BY p.id, p.code, r.user_id, p.per_user_limit HAVING n > p.per_user_limit`,
  );
  const stale: { booking_id: string; status: string }[] = await ds.query(
    `SELECT r.booking_id, b.status FROM promo_redemptions r JOIN bookings b ON b.id = r.booking_id WHERE r.status = 'active' AND b.status NOT IN ${LIVE}`,
  );
  const missing: { id: string; status: string; promo_code: string }[] = await ds.query(
    `SELECT b.id, b.status, b.promo_code FROM bookings b LEFT JOIN promo_redemptions r ON r.booking_id = b.id AND r.status = 'active'
      WHERE b.promo_code IS NOT NULL AND b.status IN ${LIVE} AND r.booking_id IS NULL`,
  );
  const v = (subject: string, detail: string): Violation => ({ check: 'promo-redemptions', subject, detail });
  return [
    ...counts.filter((c) => Number(c.redemptions) !== Number(c.active)).map((c) => v(`code ${c.code}`, `counts ${c.redemptions} redemptions in use, ${c.active} active rows`)),
    ...counts
      .filter((c) => c.max_redemptions !== null && Number(c.active) > Number(c.max_redemptions))
      .map((c) => v(`code ${c.code}`, `${c.active} redemptions in use, more than its ${c.max_redemptions}`)),
    ...perUser.map((r) => v(`code ${r.code}`, `user ${r.user_id} has ${r.n} redemptions in use, more than its ${r.per_user_limit} per user`)),
    ...stale.map((r) => v(`booking ${r.booking_id}`, `${r.status}, but its redemption is still in use`)),
    ...missing.map((r) => v(`booking ${r.id}`, `${r.status} with code ${r.promo_code}, but no redemption in use`)),
  ];
};

/** No seat is in two live offers; no offer's seats are held without its buyer in line for them; no entry stays offered once its checkout closed. */
export const waitlistOffers: Check = async ({ ds }) => {
  const twice: { seat: number; entries: string }[] = await ds.query(
    `SELECT bs.show_seat_id AS seat, GROUP_CONCAT(w.id ORDER BY w.id) AS entries FROM waitlist_entries w
       JOIN bookings b ON b.id = w.offer_checkout_id JOIN booking_seats bs ON bs.booking_id = b.id
      WHERE b.status IN ${LIVE} GROUP BY bs.show_seat_id HAVING COUNT(*) > 1`,
  );
  const ownerless: { id: number; checkout_id: string | null; entry: string | null; entry_status: string | null; entry_user: number | null; buyer: number | null }[] =
    await ds.query(
      `SELECT s.id, s.checkout_id, w.id AS entry, w.status AS entry_status, w.user_id AS entry_user, b.user_id AS buyer FROM show_seats s
         LEFT JOIN bookings b ON b.id = s.checkout_id LEFT JOIN waitlist_entries w ON w.offer_checkout_id = s.checkout_id
        WHERE s.status = 'held' AND (s.checkout_id IS NULL OR s.checkout_id <> ?)
          AND (b.id IS NULL OR (w.id IS NOT NULL AND (w.status <> 'offered' OR w.user_id <> b.user_id)))`,
      [WAITLIST_HOLDER],
    );
  const settled: { id: string; offer_checkout_id: string | null; status: string | null }[] = await ds.query(
    `SELECT w.id, w.offer_checkout_id, b.status FROM waitlist_entries w LEFT JOIN bookings b ON b.id = w.offer_checkout_id
      WHERE w.status = 'offered' AND (b.id IS NULL OR b.status NOT IN ${OPEN})`,
  );
  const v = (subject: string, detail: string): Violation => ({ check: 'waitlist-offers', subject, detail });
  return [
    ...twice.map((r) => v(`seat ${r.seat}`, `offered to entries ${r.entries} at once`)),
    ...ownerless.map((r) =>
      v(
        `seat ${r.id}`,
        r.buyer === null
          ? `held by ${r.checkout_id ?? 'nobody'}, which has no buyer`
          : `held for entry ${r.entry} (${r.entry_status}, user ${r.entry_user}) by a checkout of user ${r.buyer}`,
      ),
    ),
    ...settled.map((r) => v(`entry ${r.id}`, `still offered, but its checkout ${r.offer_checkout_id ?? '(none)'} is ${r.status ?? 'missing'}`)),
  ];
};

/** Every watcher shows what the seat map read from the database shows: the same version and every seat's status. */
export const watchersMatchDatabase: Check = async ({ ds, now, watchers }) => {
  const violations: Violation[] = [];
  const maps = new Map<number, Awaited<ReturnType<typeof loadSeatMap>>>();
  for (const w of watchers) {
    if (!maps.has(w.showtimeId)) maps.set(w.showtimeId, await loadSeatMap(ds, w.showtimeId, now));
    const map = maps.get(w.showtimeId);
    const add = (detail: string) => violations.push({ check: 'watchers-match-database', subject: `watcher ${w.name}`, detail });
    if (!map) {
      add(`showtime ${w.showtimeId} does not exist`);
      continue;
    }
    if (!w.view) {
      add(`never received the seat map (database at version ${map.version})`);
      continue;
    }
    const wrong = map.seats.filter((seat) => w.view!.statuses[seat.id] !== seat.status);
    if (w.view.version !== map.version || wrong.length > 0) {
      const seats = wrong
        .slice(0, 5)
        .map((seat) => `${seat.id} ${w.view!.statuses[seat.id] ?? 'missing'}≠${seat.status}`)
        .join(', ');
      add(`version ${w.view.version}, database ${map.version}; ${wrong.length} seats differ${seats ? ` (${seats}${wrong.length > 5 ? ', …' : ''})` : ''}`);
    }
  }
  return violations;
};

export const CHECK_FUNCTIONS: Record<CheckName, Check> = {
  'seats-booked-once': seatsBookedOnce,
  'booked-seats-match-bookings': bookedSeatsMatchBookings,
  'holds-within-ttl': holdsWithinTtl,
  'checkouts-closed-in-time': checkoutsClosedInTime,
  'payments-accounted': paymentsAccounted,
  'promo-redemptions': promoRedemptions,
  'waitlist-offers': waitlistOffers,
  'watchers-match-database': watchersMatchDatabase,
};

export interface CheckResult {
  check: CheckName;
  violations: Violation[];
}

/** Every check, in CHECKS order. */
export async function audit(s: AuditSources): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const check of CHECKS) results.push({ check, violations: await CHECK_FUNCTIONS[check](s) });
  return results;
}
