import { setTimeout as sleep } from 'node:timers/promises';
import type { BookingStatus } from '../core/domain.js';
import { getState } from '../db/bookings.js';
import type { AppDeps } from './deps.js';

/** First look soon (a confirm or release is one short transaction), then no more often than this. */
const FIRST_LOOK_MS = 20;
const LOOK_EVERY_MS = 50;

/**
 * Waits, at most `ms`, until the booking has left the statuses `from`: the
 * workflow has decided (seats confirmed, released or refunded, committed), so
 * a payment or a cancel can answer with the outcome. What the workflow does
 * after deciding (the email, closing the payment intent) is not waited for:
 * a slow mail server must not slow down a payment's answer.
 */
export async function decided(deps: AppDeps, bookingId: string, from: readonly BookingStatus[], ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  let pause = FIRST_LOOK_MS;
  for (;;) {
    const state = await getState(deps.ds, bookingId);
    if (!state || !from.includes(state.status)) return;
    const left = deadline - Date.now();
    if (left <= 0) return;
    await sleep(Math.min(pause, left));
    pause = LOOK_EVERY_MS;
  }
}
