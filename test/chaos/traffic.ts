import { randomUUID } from 'node:crypto';
import type Stripe from 'stripe';
import type { TestUser } from '../support/fixtures.js';
import { customer, freeSeats, type CheckoutReply, type Customer, type WaitlistReply } from './customer.js';
import type { Rng } from './rng.js';

/**
 * The soak's customers: each loop plays one scenario after another on the
 * general showtimes (holds with and without Idempotency-Keys, best
 * available, paying with cards that succeed or decline or in the "browser"
 * at Stripe, cancelling, abandoning to expiry, extending, promo codes,
 * refunds), and one buyer sells out the small showtimes and queues on their
 * waitlists. Every answer is tallied by scenario; nothing here judges them:
 * the auditor judges the state they leave.
 */

export interface TrafficWorld {
  urls: string[];
  users: TestUser[];
  /** Showtimes of the everyday traffic. */
  general: number[];
  /** Small showtimes that sell out, with waitlists. */
  small: number[];
  promoCodes: string[];
  /** Stripe as the customer's browser reaches it (through the same relay the stack uses). */
  stripe: Stripe;
  holdTtlS: number;
  offerS: number;
}

const CARD_OK = '4242424242424242';
const CARD_DECLINED = '4000000000000002';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

type Scenario = (c: Customer, t: Tally) => Promise<void>;
type Tally = (label: string) => void;

export interface TrafficStats {
  /** Scenario → answer label (e.g. "hold 201", "pay 402") → how many. */
  scenarios: Record<string, Record<string, number>>;
  runs: Record<string, number>;
  requests: number;
  /** HTTP status (0: no answer) → how many, over every request. */
  statuses: Record<string, number>;
}

export class Traffic {
  readonly stats: TrafficStats = { scenarios: {}, runs: {}, requests: 0, statuses: {} };
  private stopping = false;

  constructor(
    private readonly world: TrafficWorld,
    private readonly rng: Rng,
  ) {}

  private readonly scenarios: [string, number, Scenario][] = [
    ['pay', 4, (c, t) => this.payScenario(c, t)],
    ['best-available', 2, (c, t) => this.bestAvailable(c, t)],
    ['browser-pay', 2, (c, t) => this.browserPay(c, t)],
    ['decline', 1, (c, t) => this.decline(c, t)],
    ['late-pay', 1, (c, t) => this.latePay(c, t)],
    ['cancel', 1, (c, t) => this.cancel(c, t)],
    ['expire', 1, (c, t) => this.expire(c, t)],
    ['extend', 1, (c, t) => this.extend(c, t)],
    ['promo', 2, (c, t) => this.promo(c, t)],
    ['refund', 1, (c, t) => this.refund(c, t)],
  ];

  /** `clients` loops of scenarios and one sell-out and waitlist loop, until stop(); resolves when the last scenario ended. */
  async run(clients: number): Promise<void> {
    const loops = Array.from({ length: clients }, async () => {
      while (!this.stopping) await this.play(this.pickScenario());
    });
    loops.push(
      (async () => {
        for (let round = 0; !this.stopping; round++) await this.play(['waitlist', 0, (c, t) => this.waitlist(c, t, this.world.small[round % this.world.small.length]!)]);
      })(),
    );
    await Promise.all(loops);
  }

  stop(): void {
    this.stopping = true;
  }

  private pickScenario(): [string, number, Scenario] {
    const total = this.scenarios.reduce((s, [, w]) => s + w, 0);
    let x = this.rng.between(0, total);
    for (const s of this.scenarios) if ((x -= s[1]) < 0) return s;
    return this.scenarios[0]!;
  }

  private customer(): Customer {
    return customer(this.world.urls, this.rng.pick(this.world.users).token, this.rng, (status) => {
      this.stats.requests++;
      this.stats.statuses[status] = (this.stats.statuses[status] ?? 0) + 1;
    });
  }

  /** One scenario; one that ended within a second (refused at once, during an outage) is followed by a pause, as a customer pauses. */
  private async play([name, , scenario]: [string, number, Scenario]): Promise<void> {
    this.stats.runs[name] = (this.stats.runs[name] ?? 0) + 1;
    const tally = (this.stats.scenarios[name] ??= {});
    const t: Tally = (label) => void (tally[label] = (tally[label] ?? 0) + 1);
    const started = Date.now();
    try {
      await scenario(this.customer(), t);
    } catch (e) {
      t(`error ${(e as Error).message.slice(0, 60)}`);
    }
    await sleep(Math.max(0, started + 1000 - Date.now()));
  }

  // ------------------------------------------------------------------ steps

  /** POST /checkouts for seats picked from the map (or best available); the checkout on 201. */
  private async hold(
    c: Customer,
    t: Tally,
    ask: { showtimeId?: number; count?: number; best?: boolean; key?: string | null; promo?: string },
  ): Promise<CheckoutReply | null> {
    const showtimeId = ask.showtimeId ?? this.rng.pick(this.world.general);
    const count = ask.count ?? this.rng.int(1, 3);
    let body: Record<string, unknown>;
    if (ask.best) {
      body = { showtimeId, bestAvailable: { count, allowSplit: true }, ...(this.rng.chance(0.3) ? { ticketCounts: { child: 1 } } : {}) };
    } else {
      const free = await freeSeats(c, showtimeId);
      if (free.length < count) {
        t('hold skipped: sold out');
        await sleep(1000);
        return null;
      }
      body = { showtimeId, seatIds: this.rng.shuffle(free).slice(0, count) };
    }
    if (ask.promo) body.promoCode = ask.promo;
    const key = ask.key === undefined ? (this.rng.chance(0.5) ? randomUUID() : null) : ask.key;
    const headers = key ? { 'idempotency-key': key } : undefined;
    const held = await c.request('POST', '/checkouts', { body, headers });
    t(`hold ${held.status}${held.body?.error ? ` ${held.body.error.code}` : ''}`);
    return held.status === 201 ? held.body : null;
  }

  private async pay(c: Customer, t: Tally, checkoutId: string, card = CARD_OK): Promise<string | undefined> {
    const paid = await c.request('POST', `/checkouts/${checkoutId}/pay`, { body: { card } });
    t(`pay ${paid.status}${paid.body?.error ? ` ${paid.body.error.code}` : ` ${paid.body?.status ?? ''}`}`);
    return paid.status === 200 || paid.status === 202 ? paid.body.status : undefined;
  }

  /** What Stripe.js does in the browser: pay the intent at Stripe; the booking follows from the webhook. */
  private async payAtStripe(t: Tally, intentId: string): Promise<boolean> {
    try {
      await this.world.stripe.paymentIntents.update(intentId, { payment_method: 'pm_card_visa' });
      const pi = await this.world.stripe.paymentIntents.confirm(intentId);
      t(`stripe ${pi.status}`);
      return pi.status === 'succeeded';
    } catch (e) {
      t(`stripe refused: ${(e as { code?: string }).code ?? (e as Error).message.slice(0, 40)}`);
      return false;
    }
  }

  private async waitFor(c: Customer, checkoutId: string, statuses: string[], timeoutMs: number): Promise<string | undefined> {
    for (const deadline = Date.now() + timeoutMs; Date.now() < deadline && !this.stopping; await sleep(500)) {
      const got = await c.request('GET', `/checkouts/${checkoutId}`);
      if (got.status === 200 && statuses.includes(got.body.status!)) return got.body.status;
    }
    return undefined;
  }

  private async cancelCheckout(c: Customer, t: Tally, checkoutId: string): Promise<void> {
    const res = await c.request('POST', `/checkouts/${checkoutId}/cancel`, { body: {} });
    t(`cancel ${res.status} ${res.body?.status ?? res.body?.error?.code ?? ''}`);
  }

  // ------------------------------------------------------------------ scenarios

  /** Chosen seats, paid with a card; with a key, sometimes the same POST twice at once on both nodes (a double click through two tabs). */
  private async payScenario(c: Customer, t: Tally): Promise<void> {
    const key = this.rng.chance(0.6) ? randomUUID() : null;
    let held: CheckoutReply | null;
    if (key && this.rng.chance(0.3)) {
      const showtimeId = this.rng.pick(this.world.general);
      const free = await freeSeats(c, showtimeId);
      if (free.length < 2) return t('hold skipped: sold out');
      const body = { showtimeId, seatIds: this.rng.shuffle(free).slice(0, 2) };
      const both = await Promise.all([0, 1].map((node) => c.request('POST', '/checkouts', { body, headers: { 'idempotency-key': key }, node })));
      for (const r of both) t(`keyed twice: hold ${r.status}`);
      if (both.every((r) => r.status === 201)) t(both[0]!.body.checkoutId === both[1]!.body.checkoutId ? 'keyed twice: one checkout' : 'keyed twice: TWO checkouts');
      held = both.find((r) => r.status === 201)?.body ?? null;
    } else {
      held = await this.hold(c, t, { key });
    }
    if (held) await this.pay(c, t, held.checkoutId!);
  }

  private async bestAvailable(c: Customer, t: Tally): Promise<void> {
    const held = await this.hold(c, t, { best: true });
    if (held) await this.pay(c, t, held.checkoutId!);
  }

  private async browserPay(c: Customer, t: Tally): Promise<void> {
    const held = await this.hold(c, t, {});
    if (!held?.payment) return;
    if (await this.payAtStripe(t, held.payment.intentId)) t(`confirmed: ${(await this.waitFor(c, held.checkoutId!, ['CONFIRMED'], 30_000)) ?? 'not seen'}`);
  }

  /** A declined card; then the customer gives up (cancels, or just leaves). */
  private async decline(c: Customer, t: Tally): Promise<void> {
    const held = await this.hold(c, t, {});
    if (!held) return;
    await this.pay(c, t, held.checkoutId!, CARD_DECLINED);
    if (this.rng.chance(0.5)) await this.cancelCheckout(c, t, held.checkoutId!);
  }

  /** Pays at Stripe around the moment the hold runs out: the money wins, or the late payment is refunded. */
  private async latePay(c: Customer, t: Tally): Promise<void> {
    const held = await this.hold(c, t, {});
    if (!held?.payment) return;
    const until = Date.parse(held.expiresAt!) - Date.now() + this.rng.between(-2000, 1500);
    await sleep(Math.max(0, until));
    await this.payAtStripe(t, held.payment.intentId);
  }

  private async cancel(c: Customer, t: Tally): Promise<void> {
    const held = await this.hold(c, t, {});
    if (!held) return;
    await sleep(this.rng.between(0, 3000));
    await this.cancelCheckout(c, t, held.checkoutId!);
  }

  private async expire(c: Customer, t: Tally): Promise<void> {
    const held = await this.hold(c, t, { best: this.rng.chance(0.5) });
    if (held) t('abandoned');
  }

  private async extend(c: Customer, t: Tally): Promise<void> {
    const held = await this.hold(c, t, {});
    if (!held) return;
    await sleep(this.rng.between(1000, (this.world.holdTtlS - 4) * 1000));
    const res = await c.request('POST', `/checkouts/${held.checkoutId}/extend`);
    t(`extend ${res.status}${res.body?.error ? ` ${res.body.error.code}` : ''}`);
    if (res.status === 200 && this.rng.chance(0.5)) {
      await sleep(this.rng.between(0, this.world.holdTtlS * 1000));
      await this.pay(c, t, held.checkoutId!);
    }
  }

  private async promo(c: Customer, t: Tally): Promise<void> {
    const held = await this.hold(c, t, { promo: this.rng.pick(this.world.promoCodes), best: this.rng.chance(0.3) });
    if (!held) return;
    const x = this.rng.next();
    if (x < 0.5) await this.pay(c, t, held.checkoutId!);
    else if (x < 0.75) await this.cancelCheckout(c, t, held.checkoutId!);
    else t('abandoned');
  }

  /** Paid, then the booking is cancelled: refunded, seats back. */
  private async refund(c: Customer, t: Tally): Promise<void> {
    const held = await this.hold(c, t, {});
    if (!held || (await this.pay(c, t, held.checkoutId!)) === undefined) return;
    if ((await this.waitFor(c, held.checkoutId!, ['CONFIRMED'], 20_000)) !== 'CONFIRMED') return t('not confirmed: no refund');
    await sleep(this.rng.between(0, 5000));
    const res = await c.request('POST', `/bookings/${held.checkoutId}/cancel`, { body: {} });
    t(`booking cancel ${res.status} ${res.body?.status ?? res.body?.error?.code ?? ''}`);
  }

  /**
   * Sells out a small showtime (some seats paid, some only held), queues three
   * buyers on its waitlist, refunds one booking, and plays the buyers: pay the
   * offer, leave the line, or let the offer lapse.
   */
  private async waitlist(c: Customer, t: Tally, showtimeId: number): Promise<void> {
    const paid: { buyer: Customer; checkoutId: string }[] = [];
    for (let tries = 0, free = await freeSeats(c, showtimeId); free.length > 0 && tries < 12 && !this.stopping; tries++, free = await freeSeats(c, showtimeId)) {
      const buyer = this.customer();
      const held = await this.hold(buyer, t, { showtimeId, count: Math.min(free.length, this.rng.int(1, 3)), best: true, key: null });
      if (!held) continue;
      if (this.rng.chance(0.7) && (await this.pay(buyer, t, held.checkoutId!)) !== undefined) paid.push({ buyer, checkoutId: held.checkoutId! });
    }
    const waiters: { buyer: Customer; entry: string }[] = [];
    for (let i = 0; i < 3; i++) {
      const buyer = this.customer();
      const joined = await buyer.request<WaitlistReply>('POST', `/showtimes/${showtimeId}/waitlist`, { body: { count: this.rng.int(1, 2) } });
      t(`join ${joined.status}`);
      if (joined.status === 201) waiters.push({ buyer, entry: joined.body.waitlistId! });
    }
    if (paid.length > 0) {
      const { buyer, checkoutId } = this.rng.pick(paid);
      const res = await buyer.request('POST', `/bookings/${checkoutId}/cancel`, { body: {} });
      t(`booking cancel ${res.status}`);
    }
    await Promise.all(waiters.map((w) => this.waitInLine(w.buyer, t, w.entry)));
  }

  private async waitInLine(c: Customer, t: Tally, entry: string): Promise<void> {
    const deadline = Date.now() + (this.world.holdTtlS + this.world.offerS + 10) * 1000;
    while (Date.now() < deadline && !this.stopping) {
      const got = await c.request<WaitlistReply>('GET', `/waitlist/${entry}`);
      const status = got.body?.status;
      if (status === 'offered' && got.body.offer) {
        const x = this.rng.next();
        if (x < 0.6) {
          t('offer: pay');
          await this.pay(c, t, got.body.offer.checkoutId);
        } else if (x < 0.8) {
          const left = await c.request<WaitlistReply>('DELETE', `/waitlist/${entry}`);
          t(`offer: leave ${left.status}`);
        } else {
          t('offer: let lapse');
        }
        return;
      }
      if (status && status !== 'waiting') return t(`entry ${status}`);
      await sleep(1000);
    }
    const left = await c.request<WaitlistReply>('DELETE', `/waitlist/${entry}`);
    t(`no offer: leave ${left.status}`);
  }
}
