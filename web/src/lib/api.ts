/**
 * The typed client of the REST API (/api/v1) the web pages use. It never
 * throws for an HTTP status or a network failure: every call resolves to an
 * ApiResult, so a page decides what each status means to its user.
 */
import type {
  Admitted,
  ApiErrorBody,
  AuthResult,
  Booking,
  BookingListQuery,
  BookingPage,
  CancelRequest,
  CardPaymentRequest,
  CheckInRequest,
  Checkout,
  CreateCheckoutRequest,
  JoinWaitlistRequest,
  LoginRequest,
  MovieDetail,
  MoviePage,
  MovieQuery,
  MovieShowtimeQuery,
  RegisterRequest,
  SeatMap,
  ShowtimeDetail,
  ShowtimePage,
  ShowtimeQuery,
  TicketedBooking,
  UserEnvelope,
  WaitlistEntry,
  WaitlistPage,
  WaitlistQuery,
} from './api-types.js';

/** Failures that never reached the API's error shape: no answer, or an answer that is not JSON. */
export type ClientErrorCode = 'NETWORK' | 'BAD_RESPONSE';

export interface ApiError {
  code: ApiErrorBody['code'] | ClientErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

export type ApiResult<T> = { ok: true; status: number; body: T } | { ok: false; status: number; error: ApiError };

export interface ApiClientOptions {
  /** The bearer token to send, if any. */
  token: () => string | null;
  /** A request that carried a token was answered 401: the session has ended. */
  onUnauthorized?: () => void;
}

type Query = Record<string, string | number | boolean | undefined>;

const queryString = (query: Query): string => {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
};

const id = (value: string | number): string => encodeURIComponent(String(value));

/** The API's own message, or one that says what happened. */
export const errorText = (r: { status: number; error: ApiError }): string => r.error.message || `Something went wrong (HTTP ${r.status}).`;

/** The validation messages of a 400, joined; else the error's message. */
export function issuesText(r: { status: number; error: ApiError }): string {
  const issues = r.error.details?.issues;
  if (Array.isArray(issues) && issues.length > 0) {
    return issues.map((i: { message?: unknown }) => String(i.message)).join('; ');
  }
  return errorText(r);
}

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A file the API answered (a CSV report, a QR image, a PDF): its content and the name it asks to be saved under. */
export interface Download {
  blob: Blob;
  filename: string;
}

/**
 * The requests every page's client is built on: JSON in and out, the token
 * sent when there is one, every outcome an ApiResult. `download` asks for a
 * file (`accept`) and keeps it as a Blob.
 */
export function createRequester(opts: ApiClientOptions) {
  const send = async (method: Method, path: string, body: unknown, headers: Record<string, string>): Promise<Response | null> => {
    if (body !== undefined) headers['content-type'] = 'application/json';
    const token = opts.token();
    if (token) headers.authorization = `Bearer ${token}`;
    try {
      const res = await fetch(`/api/v1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      if (res.status === 401 && token && path !== '/auth/login') opts.onUnauthorized?.();
      return res;
    } catch {
      return null;
    }
  };
  const unreachable = { ok: false as const, status: 0, error: { code: 'NETWORK' as const, message: 'The server cannot be reached. Check your connection.' } };

  async function request<T>(method: Method, path: string, body?: unknown, extraHeaders: Record<string, string> = {}): Promise<ApiResult<T>> {
    const res = await send(method, path, body, { accept: 'application/json', ...extraHeaders });
    if (!res) return unreachable;
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      return { ok: false, status: res.status, error: { code: 'BAD_RESPONSE', message: text.slice(0, 200) } };
    }
    if (res.ok) return { ok: true, status: res.status, body: parsed as T };
    const error = (parsed as { error?: ApiErrorBody } | null)?.error;
    return { ok: false, status: res.status, error: error ?? { code: 'BAD_RESPONSE', message: '' } };
  }

  async function download(path: string, accept: string): Promise<ApiResult<Download>> {
    const res = await send('GET', path, undefined, { accept });
    if (!res) return unreachable;
    if (!res.ok) {
      const error = ((await res.json().catch(() => null)) as { error?: ApiErrorBody } | null)?.error;
      return { ok: false, status: res.status, error: error ?? { code: 'BAD_RESPONSE', message: '' } };
    }
    const filename = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? 'download';
    return { ok: true, status: res.status, body: { blob: await res.blob(), filename } };
  }

  return { request, download };
}

export function createApiClient(opts: ApiClientOptions) {
  const { request, download } = createRequester(opts);

  return {
    login: (body: LoginRequest) => request<AuthResult>('POST', '/auth/login', body),
    register: (body: RegisterRequest) => request<AuthResult>('POST', '/auth/register', body),
    me: () => request<UserEnvelope>('GET', '/auth/me'),

    movies: (query: MovieQuery = {}) => request<MoviePage>('GET', `/movies${queryString(query)}`),
    movie: (movieId: number) => request<MovieDetail>('GET', `/movies/${id(movieId)}`),
    movieShowtimes: (movieId: number, query: MovieShowtimeQuery = {}) =>
      request<ShowtimePage>('GET', `/movies/${id(movieId)}/showtimes${queryString(query)}`),
    showtimes: (query: ShowtimeQuery = {}) => request<ShowtimePage>('GET', `/showtimes${queryString(query)}`),
    showtime: (showtimeId: number) => request<ShowtimeDetail>('GET', `/showtimes/${id(showtimeId)}`),
    seatMap: (showtimeId: number) => request<SeatMap>('GET', `/showtimes/${id(showtimeId)}/seats`),

    /** Holds seats; the same idempotency key on a retry reaches the same checkout. */
    createCheckout: (body: CreateCheckoutRequest, idempotencyKey: string) =>
      request<Checkout>('POST', '/checkouts', body, { 'idempotency-key': idempotencyKey }),
    checkout: (checkoutId: string) => request<Checkout>('GET', `/checkouts/${id(checkoutId)}`),
    /** 200: paid and confirmed; 202: accepted, confirmation in progress. */
    payCheckout: (checkoutId: string, body: CardPaymentRequest) => request<Checkout>('POST', `/checkouts/${id(checkoutId)}/pay`, body),
    /** 200: released (or already closed); 202: accepted, still releasing. */
    cancelCheckout: (checkoutId: string, body: CancelRequest = {}) => request<Checkout>('POST', `/checkouts/${id(checkoutId)}/cancel`, body),
    /** More time to pay, once: expiresAt is the new end of the hold. */
    extendCheckout: (checkoutId: string) => request<Checkout>('POST', `/checkouts/${id(checkoutId)}/extend`),

    bookings: (query: BookingListQuery = {}) => request<BookingPage>('GET', `/bookings${queryString(query)}`),
    booking: (bookingId: string) => request<TicketedBooking>('GET', `/bookings/${id(bookingId)}`),
    /** One ticket's QR code (SVG). */
    ticketQr: (bookingId: string, seatId: number) => download(`/bookings/${id(bookingId)}/tickets/${id(seatId)}.svg`, 'image/svg+xml'),
    /** All tickets of a booking, printable (PDF). */
    ticketsPdf: (bookingId: string) => download(`/bookings/${id(bookingId)}/tickets.pdf`, 'application/pdf'),
    /** Staff at the door: 200 admitted; 409 already checked in; 410 void; 404 unknown. */
    checkIn: (body: CheckInRequest) => request<Admitted>('POST', '/checkin', body),
    /** 200: refunded; 202: accepted, refund in progress. */
    cancelBooking: (bookingId: string, body: CancelRequest = {}) => request<Booking>('POST', `/bookings/${id(bookingId)}/cancel`, body),

    /** 201: in line; 409: seats can be held now (details.reason "seats-available"), or already in line (details.waitlistId). */
    joinWaitlist: (showtimeId: number, body: JoinWaitlistRequest) => request<WaitlistEntry>('POST', `/showtimes/${id(showtimeId)}/waitlist`, body),
    /** My entries, newest first. */
    waitlist: (query: WaitlistQuery = {}) => request<WaitlistPage>('GET', `/waitlist${queryString(query)}`),
    waitlistEntry: (waitlistId: string) => request<WaitlistEntry>('GET', `/waitlist/${id(waitlistId)}`),
    /** Leaves the line (an offer held is released to the next); 409 once the offer was paid. */
    leaveWaitlist: (waitlistId: string) => request<WaitlistEntry>('DELETE', `/waitlist/${id(waitlistId)}`),
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;
