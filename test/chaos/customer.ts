import { call, type Reply } from '../../bench/lib/api.js';
import type { Rng } from './rng.js';

/**
 * One customer's view of Marquee: HTTP to either API node (a load balancer's
 * choice), a deadline on every request, and one retry on the other node when
 * a request got no answer at all (a dead or frozen node), as a client does.
 */

export interface CheckoutReply {
  checkoutId?: string;
  status?: string;
  expiresAt?: string;
  seats?: { id: number }[];
  payment?: { intentId: string } | null;
  error?: { code: string; message: string };
}

export interface SeatMapReply {
  version: number;
  seats: { id: number; status: string }[];
}

export interface WaitlistReply {
  waitlistId?: string;
  status?: string;
  offer?: { checkoutId: string } | null;
}

export interface Customer {
  token: string;
  request<T = CheckoutReply>(method: string, path: string, o?: { body?: unknown; headers?: Record<string, string>; node?: number }): Promise<Reply<T>>;
}

export const REQUEST_TIMEOUT_MS = 30_000;

export function customer(urls: string[], token: string, rng: Rng, count: (status: number) => void): Customer {
  return {
    token,
    async request<T>(method: string, path: string, o: { body?: unknown; headers?: Record<string, string>; node?: number } = {}) {
      const first = o.node ?? rng.int(0, urls.length - 1);
      let reply: Reply<T> = { status: 0, ms: 0, body: undefined as T };
      for (const node of [first, (first + 1) % urls.length]) {
        reply = await call<T>(`${urls[node]}/api/v1${path}`, { method, token, body: o.body, headers: o.headers, timeoutMs: REQUEST_TIMEOUT_MS });
        count(reply.status);
        if (reply.status !== 0) break;
      }
      return reply;
    },
  };
}

/** Seat ids free in the seat map now (what the page offers to pick). */
export async function freeSeats(c: Customer, showtimeId: number): Promise<number[]> {
  const map = await c.request<SeatMapReply>('GET', `/showtimes/${showtimeId}/seats`);
  return map.status === 200 ? map.body.seats.filter((s) => s.status === 'available').map((s) => s.id) : [];
}
