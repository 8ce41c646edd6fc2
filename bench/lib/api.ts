import { randomUUID } from 'node:crypto';
import type { Outcome } from './loops.js';
import type { Seat } from './fixtures.js';

/**
 * Marquee's HTTP API as the seat-picker page calls it, timed. Only the
 * measured stack's loopback address is ever called.
 */

export interface Reply<T> {
  /** 0 when the request failed below HTTP (connection refused or reset). */
  status: number;
  ms: number;
  body: T;
}

export interface CheckoutBody {
  checkoutId?: string;
  status?: string;
  seats?: { id: number }[];
  error?: { code: string; message: string; details?: Record<string, unknown> };
}

/** `rawBody`: sent as it is (a signed webhook's exact bytes); `timeoutMs`: give up then (status 0), as a client with a deadline does. */
export async function call<T = CheckoutBody>(
  url: string,
  o: { method?: string; token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<Reply<T>> {
  const headers: Record<string, string> = { ...o.headers };
  if (o.body !== undefined) headers['content-type'] = 'application/json';
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  const t0 = performance.now();
  try {
    const res = await fetch(url, {
      method: o.method ?? 'GET',
      headers,
      body: o.rawBody ?? (o.body === undefined ? undefined : JSON.stringify(o.body)),
      signal: o.timeoutMs === undefined ? undefined : AbortSignal.timeout(o.timeoutMs),
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, ms: performance.now() - t0, body: body as T };
  } catch (e) {
    return { status: 0, ms: performance.now() - t0, body: { error: { code: 'NETWORK', message: String(e) } } as T };
  }
}

/** POST /checkouts with its own Idempotency-Key, as the seat-picker page sends it. */
export const hold = (baseUrl: string, token: string, showtimeId: number, seatIds: number[], key: string = randomUUID()): Promise<Reply<CheckoutBody>> =>
  call(`${baseUrl}/api/v1/checkouts`, { method: 'POST', token, body: { showtimeId, seatIds }, headers: { 'idempotency-key': key } });

export const pay = (baseUrl: string, token: string, checkoutId: string): Promise<Reply<CheckoutBody>> =>
  call(`${baseUrl}/api/v1/checkouts/${checkoutId}/pay`, { method: 'POST', token, body: { card: '4242424242424242' } });

/** "hold 409 SEATS_UNAVAILABLE": the step, the status and the error code (or the checkout's status) of an answer. */
const why = (step: string, r: Reply<CheckoutBody>): string => `${step} ${r.status} ${r.body?.error?.code ?? r.body?.status ?? ''}`.trim();

/** One hold of one seat; ok on 201. */
export async function holdOne(baseUrl: string, token: string, seat: Seat): Promise<Outcome> {
  const h = await hold(baseUrl, token, seat.showtimeId, [seat.seatId]);
  return h.status === 201 ? { ok: true, ms: { hold: h.ms } } : { ok: false, ms: { hold: h.ms }, failure: why('hold', h) };
}

/** hold → pay → CONFIRMED, one seat; ok when the pay answer says CONFIRMED. */
export async function checkoutOne(baseUrl: string, token: string, seat: Seat): Promise<Outcome> {
  const h = await hold(baseUrl, token, seat.showtimeId, [seat.seatId]);
  if (h.status !== 201) return { ok: false, ms: { hold: h.ms }, failure: why('hold', h) };
  const p = await pay(baseUrl, token, h.body.checkoutId!);
  const ms = { hold: h.ms, pay: p.ms, total: h.ms + p.ms };
  return p.status === 200 && p.body.status === 'CONFIRMED' ? { ok: true, ms } : { ok: false, ms, failure: why('pay', p) };
}
