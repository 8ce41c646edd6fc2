/**
 * The one failure vocabulary. Every code a step or a request can fail with is
 * listed here once, with the HTTP status it answers with. The rest is derived:
 * the Temporal failure types (`type` = code, core/failures.ts), the
 * non-retryable sets of the activity options, and the HTTP mapping (api/errors).
 *
 * `retryable` marks codes that describe a passing condition (an outage): an
 * activity that fails with one is retried; every other code is an answer and
 * ends the step at once.
 */
export const ErrorCatalog = {
  VALIDATION_FAILED: { http: 400 },
  UNAUTHENTICATED: { http: 401 },
  PAYMENT_DECLINED: { http: 402 },
  FORBIDDEN: { http: 403 },
  NOT_FOUND: { http: 404 },
  METHOD_NOT_ALLOWED: { http: 405 },
  CONFLICT: { http: 409 },
  SEATS_UNAVAILABLE: { http: 409 },
  /** A confirm found seats no longer held by its checkout (guarded, never expected). */
  SEATS_NOT_HELD: { http: 409 },
  SHOWTIME_OVERLAP: { http: 409 },
  /** A ticket scanned again: details carry when it was first admitted. */
  ALREADY_CHECKED_IN: { http: 409 },
  /** A ticket of a booking that was cancelled or refunded, or of a cancelled showtime: it admits no one. */
  TICKET_VOID: { http: 410 },
  /** The account already has its allowed number of unpaid checkouts (MAX_OPEN_CHECKOUTS_PER_*): pay or cancel one first. */
  TOO_MANY_OPEN_CHECKOUTS: { http: 409 },
  /** A request body over the limit (api/app.ts): refused before it is read whole. */
  PAYLOAD_TOO_LARGE: { http: 413 },
  IDEMPOTENCY_KEY_REUSED: { http: 422 },
  /** The hold would leave a single free seat alone (core/seating.ts). */
  SINGLE_SEAT_GAP: { http: 422 },
  UNPROCESSABLE: { http: 422 },
  /** A promo code that cannot be redeemed for this hold: details.reason says why (core/pricing.ts PromoRefusalReasons). */
  PROMO_CODE_INVALID: { http: 422 },
  RATE_LIMITED: { http: 429 },
  /** A state change the transition tables of core/domain forbid: a bug, never retried. */
  ILLEGAL_TRANSITION: { http: 500 },
  INTERNAL: { http: 500 },
  // The provider is unreachable or failing: the request can be retried later.
  PAYMENT_PROVIDER_ERROR: { http: 503, retryable: true },
  SERVICE_UNAVAILABLE: { http: 503, retryable: true },
} as const satisfies Record<string, { http: number; retryable?: true }>;

export type ErrorCode = keyof typeof ErrorCatalog;

export const ErrorCodes = Object.keys(ErrorCatalog) as ErrorCode[];

export const isErrorCode = (s: unknown): s is ErrorCode => typeof s === 'string' && Object.hasOwn(ErrorCatalog, s);

export const httpStatusOf = (code: ErrorCode): number => ErrorCatalog[code].http;

/** Codes that are answers, not outages: a step failing with one is not retried. */
export const NonRetryableCodes: ErrorCode[] = ErrorCodes.filter((c) => !('retryable' in ErrorCatalog[c]));

export type ErrorDetails = Record<string, unknown>;

export class AppError extends Error {
  override readonly name: string = 'AppError';
  /** Whether trying the same step again later may succeed; by default what the catalog says of the code. */
  readonly retryable: boolean;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorDetails,
    opts: { retryable?: boolean } = {},
  ) {
    super(message);
    this.retryable = opts.retryable ?? 'retryable' in ErrorCatalog[code];
  }
}

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;

export const notFound = (what: string, id: string | number): AppError =>
  new AppError('NOT_FOUND', `${what} ${id} not found`, { resource: what, id });

export const validationFailed = (message: string, details?: ErrorDetails): AppError =>
  new AppError('VALIDATION_FAILED', message, details);

export const unprocessable = (message: string, details?: ErrorDetails): AppError =>
  new AppError('UNPROCESSABLE', message, details);

export const conflict = (message: string, details?: ErrorDetails): AppError =>
  new AppError('CONFLICT', message, details);

export const forbidden = (message = 'You are not allowed to do this'): AppError =>
  new AppError('FORBIDDEN', message);

export const unauthenticated = (message = 'Authentication required'): AppError =>
  new AppError('UNAUTHENTICATED', message);
