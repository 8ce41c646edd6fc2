/**
 * What the web pages send to and get from the API, taken from the zod schemas
 * that validate it on the server (and describe it in the OpenAPI document).
 * Types only: nothing of the server reaches the bundle.
 *
 * Request bodies are the schemas' input (what a client may send, before the
 * server trims or normalises it); responses are their output. Query strings
 * are the validated values, each optional (the server fills in defaults).
 */
import type { z } from 'zod';
import type { AuthResult as AuthResultSchema, LoginBody, RegisterBody, UserEnvelope as UserEnvelopeSchema } from '../../../api/schemas/auth.js';
import type { MovieDetailSchema, MoviePage as MoviePageSchema, MovieQuery as MovieQuerySchema } from '../../../api/schemas/catalog.js';
import type {
  Booking as BookingSchema,
  BookingListQuery as BookingListQuerySchema,
  CancelBody,
  CardPaymentBody,
  Checkout as CheckoutSchema,
  CreateCheckoutBody,
} from '../../../api/schemas/checkout.js';
import type { ErrorResponse, page } from '../../../api/schemas/common.js';
import type { Admitted as AdmittedSchema, CheckInBody, TicketedBooking as TicketedBookingSchema } from '../../../api/schemas/tickets.js';
import type {
  MovieShowtimeQuery as MovieShowtimeQuerySchema,
  SeatMapSchema,
  ShowtimePage as ShowtimePageSchema,
  ShowtimeQuery as ShowtimeQuerySchema,
  ShowtimeDetailSchema,
  ShowtimeSchema,
} from '../../../api/schemas/showtimes.js';
import type {
  JoinWaitlistBody,
  WaitlistEntry as WaitlistEntrySchema,
  WaitlistPage as WaitlistPageSchema,
  WaitlistQuery as WaitlistQuerySchema,
} from '../../../api/schemas/waitlist.js';

export type LoginRequest = z.input<typeof LoginBody>;
export type RegisterRequest = z.input<typeof RegisterBody>;
export type AuthResult = z.output<typeof AuthResultSchema>;
export type User = z.output<typeof UserEnvelopeSchema>['user'];
export type UserEnvelope = z.output<typeof UserEnvelopeSchema>;

export type MovieQuery = Partial<z.output<typeof MovieQuerySchema>>;
export type MoviePage = z.output<typeof MoviePageSchema>;
export type Movie = MoviePage['items'][number];
export type MovieDetail = z.output<typeof MovieDetailSchema>;

export type ShowtimeQuery = Partial<z.output<typeof ShowtimeQuerySchema>>;
export type MovieShowtimeQuery = Partial<z.output<typeof MovieShowtimeQuerySchema>>;
export type Showtime = z.output<typeof ShowtimeSchema>;
export type ShowtimeDetail = z.output<typeof ShowtimeDetailSchema>;
export type ShowtimePage = z.output<typeof ShowtimePageSchema>;
export type SeatMap = z.output<typeof SeatMapSchema>;
export type SeatMapSeat = SeatMap['seats'][number];

export type CreateCheckoutRequest = z.input<typeof CreateCheckoutBody>;
export type CardPaymentRequest = z.input<typeof CardPaymentBody>;
export type CancelRequest = z.input<typeof CancelBody>;
export type Checkout = z.output<typeof CheckoutSchema>;
/** One seat of a checkout or booking: its ticket type, price and share of the discount. */
export type BookingLine = Checkout['lines'][number];
export type TicketTypeCode = BookingLine['ticketType'];
export type Booking = z.output<typeof BookingSchema>;
export type BookingListQuery = Partial<z.output<typeof BookingListQuerySchema>>;
/** A booking as its owner sees it, with its tickets (none until CONFIRMED). */
export type TicketedBooking = z.output<typeof TicketedBookingSchema>;
export type Ticket = TicketedBooking['tickets'][number];
export type BookingPage = z.output<ReturnType<typeof page<typeof TicketedBookingSchema>>>;

export type CheckInRequest = z.input<typeof CheckInBody>;
export type Admitted = z.output<typeof AdmittedSchema>;

export type JoinWaitlistRequest = z.input<typeof JoinWaitlistBody>;
export type WaitlistEntry = z.output<typeof WaitlistEntrySchema>;
export type WaitlistStatus = WaitlistEntry['status'];
export type WaitlistPage = z.output<typeof WaitlistPageSchema>;
export type WaitlistQuery = Partial<z.output<typeof WaitlistQuerySchema>>;

export type ApiErrorBody = z.output<typeof ErrorResponse>['error'];
