import type { SeatingPolicy } from './hold-rules.js';
import { bestAvailable, bestSpot, strandedSeats, type HallShape, type SeatSpot } from './seating.js';

/**
 * Who on a showtime's waitlist gets which free seats (docs/waitlist.md). Pure:
 * the offer transaction passes the entries in line order and the seats as it
 * locked them.
 *
 * First come, first served, with one exception: an entry that the free seats
 * cannot serve yet keeps its place while later, smaller entries are served.
 * Holding everyone back behind a party of six would leave seats empty that
 * the people behind it are waiting for; the party keeps its place and gets
 * the next seats that fit it.
 */

/**
 * Who holds released seats during the grace period: no checkout, the line as
 * a whole. Such a hold ends by itself at its `held_until`, like any other.
 */
export const WAITLIST_HOLDER = 'waitlist';

export interface WaitingEntry {
  id: string;
  count: number;
}

export interface PlannedOffer {
  entryId: string;
  seatIds: number[];
}

export function planOffers(entries: readonly WaitingEntry[], seats: readonly SeatSpot[], hall: HallShape, policy: SeatingPolicy): PlannedOffer[] {
  let spots = [...seats];
  const offers: PlannedOffer[] = [];
  for (const entry of entries) {
    const seatIds = seatsFor(spots, hall, entry.count, policy);
    if (!seatIds) continue;
    offers.push({ entryId: entry.id, seatIds });
    const taken = new Set(seatIds);
    spots = spots.map((s) => (taken.has(s.id) ? { ...s, free: false } : s));
  }
  return offers;
}

/**
 * The seats for `count` people: side by side, or over the fewest adjacent rows
 * (best-available's rules, which never leave a seat alone); failing that,
 * apart, best seat first, under the single-seat rule as a hold obeys it (a
 * seat left alone only where no choice avoids it). Apart is better than no
 * offer: the buyer sees the seats and may let the offer go.
 */
export function seatsFor(spots: readonly SeatSpot[], hall: HallShape, count: number, policy: SeatingPolicy): number[] | null {
  const together = bestAvailable(spots, hall, { count, allowSplit: true }, policy);
  if ('seatIds' in together) return together.seatIds;
  const spot = bestSpot(hall);
  const kept = (s: SeatSpot): number => (s.type === 'accessible' || s.type === 'companion' ? 1 : 0);
  const distance = (s: SeatSpot): number => Math.hypot(s.gridRow - spot.row, s.gridCol - spot.col);
  const chosen: number[] = [];
  let rest = [...spots];
  while (chosen.length < count) {
    const candidates = rest
      .filter((s) => s.free && (s.type !== 'companion' || policy.companionsOnSale))
      .sort((a, b) => kept(a) - kept(b) || distance(a) - distance(b) || a.id - b.id);
    const pick = candidates.find((s) => !policy.singleSeatRule || strandedSeats(rest, new Set([s.id])).length === 0);
    if (!pick) return null;
    chosen.push(pick.id);
    rest = rest.map((s) => (s.id === pick.id ? { ...s, free: false } : s));
  }
  return chosen.sort((a, b) => a - b);
}
