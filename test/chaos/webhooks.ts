import type Stripe from 'stripe';
import { call } from '../../bench/lib/api.js';
import { signedWebhook } from '../support/localstripe.js';
import type { Rng } from './rng.js';

/**
 * Stripe's side of the webhooks: every event localstripe records is signed
 * and delivered to an API node, late (up to 10 s), some twice (again up to
 * 40 s later) and so out of the order they happened in; a delivery that is
 * not answered 2xx is retried with backoff (capped at 8 s, so a run ends in
 * time), as Stripe retries.
 */

export interface WebhookStats {
  events: number;
  deliveries: number;
  /** Deliveries of an event older than one delivered before it. */
  outOfOrder: number;
  /** Events delivered a second time on purpose. */
  twice: number;
  retries: number;
  /** Answer outcome (applied, duplicate, ignored) or `http <status>` → how many. */
  outcomes: Record<string, number>;
  undelivered: number;
}

const RETRIES = 8;

export class WebhookReplayer {
  readonly stats: WebhookStats = { events: 0, deliveries: 0, outOfOrder: 0, twice: 0, retries: 0, outcomes: {}, undelivered: 0 };
  private readonly seen = new Map<string, number>();
  private since = 0;
  private latestDelivered = -1;
  private readonly pending = new Set<Promise<void>>();
  private polling: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly stripe: Stripe,
    private readonly urls: string[],
    private readonly rng: Rng,
  ) {}

  start(): void {
    this.polling = (async () => {
      while (!this.stopped) {
        await this.poll().catch(() => undefined);
        await new Promise((r) => setTimeout(r, 2000));
      }
    })();
  }

  /** Stops looking for new events once every event so far was seen, and waits for the deliveries in flight. */
  async stop(): Promise<WebhookStats> {
    await this.poll().catch(() => undefined);
    this.stopped = true;
    await this.polling;
    await Promise.all(this.pending);
    return this.stats;
  }

  private async poll(): Promise<void> {
    for await (const event of this.stripe.events.list({ created: { gte: this.since }, limit: 100 })) {
      if (this.seen.has(event.id)) continue;
      const order = this.seen.size;
      this.seen.set(event.id, order);
      this.since = Math.max(this.since, event.created - 1);
      if (!event.type.startsWith('payment_intent.') && !event.type.startsWith('charge.')) continue;
      this.stats.events++;
      this.schedule(event, order, this.rng.between(0, 10_000));
      if (this.rng.chance(0.3)) {
        this.stats.twice++;
        this.schedule(event, order, this.rng.between(5_000, 40_000));
      }
    }
  }

  private schedule(event: Stripe.Event, order: number, delayMs: number): void {
    const p = (async () => {
      await new Promise((r) => setTimeout(r, delayMs));
      for (let attempt = 0; attempt < RETRIES; attempt++) {
        if (attempt > 0) {
          this.stats.retries++;
          await new Promise((r) => setTimeout(r, Math.min(8000, 1000 * 2 ** attempt)));
        }
        this.countDelivery(order);
        if (await this.answered(event)) return;
      }
      this.stats.undelivered++;
    })();
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  private countDelivery(order: number): void {
    this.stats.deliveries++;
    if (order < this.latestDelivered) this.stats.outOfOrder++;
    this.latestDelivered = Math.max(this.latestDelivered, order);
  }

  /** One signed delivery to a random API node; true when answered 2xx. */
  private async answered(event: Stripe.Event): Promise<boolean> {
    const { rawBody, headers } = signedWebhook(event);
    const res = await call<{ outcome?: string }>(`${this.rng.pick(this.urls)}/api/v1/webhooks/stripe`, { method: 'POST', rawBody, headers, timeoutMs: 15_000 });
    const outcome = res.status === 200 ? (res.body?.outcome ?? 'ok') : `http ${res.status}`;
    this.stats.outcomes[outcome] = (this.stats.outcomes[outcome] ?? 0) + 1;
    return res.status >= 200 && res.status < 300;
  }
}
