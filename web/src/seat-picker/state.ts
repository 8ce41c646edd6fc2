/** What the seat-picker page knows right now, shared by its views. */
import type { Checkout, ShowtimeDetail, TicketTypeCode } from '../lib/api-types.js';
import type { ShowtimeWatch } from '../lib/live-seats.js';
import type { SeatMapView } from '../lib/seat-map.js';

export type Route = 'movies' | 'movie' | 'showtime' | 'bookings';


export const state = {
  route: 'movies' as Route,
  /** The showtime on screen, with its live seat map. */
  showtime: null as ShowtimeDetail | null,
  watch: null as ShowtimeWatch | null,
  seatMap: null as SeatMapView | null,
  /** Seats picked, not yet held. */
  selected: new Set<number>(),
  /** The ticket type chosen for a picked seat; absent: adult. */
  ticketTypes: new Map<number, TicketTypeCode>(),
  /** Seats of the hold request in flight: their live `held` may arrive before its answer and is not a loss. */
  holding: new Set<number>(),
  /** Seats a hold was just refused for: marked until they free up or another seat is picked. */
  conflicts: new Set<number>(),
  /** This user's open checkout of this showtime (the hold), and its seats. */
  checkout: null as Checkout | null,
  mine: new Set<number>(),
};

export const currency = (): string => state.showtime?.currency ?? 'USD';

/** Seats one checkout may hold, as the showtime's rules say. */
export const maxSeats = (): number => state.showtime?.seating.maxSeatsPerCheckout ?? 0;
