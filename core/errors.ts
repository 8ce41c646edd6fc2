/**
 * Domain errors are values with a stable code. The HTTP layer maps codes to
 * statuses in one place (api/errors); activities map them to non-retryable
 * Temporal failures whose `type` is the code.
 */
export const ErrorCodes = [
  'VALIDATION_FAILED',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'CONFLICT',
  'SEATS_UNAVAILABLE',
  'SHOWTIME_OVERLAP',
  'IDEMPOTENCY_KEY_REUSED',
  'UNPROCESSABLE',
  'RATE_LIMITED',
  'PAYMENT_DECLINED',
  'PAYMENT_PROVIDER_ERROR',
  'SERVICE_UNAVAILABLE',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ErrorCodes)[number];

export type ErrorDetails = Record<string, unknown>;

export class AppError extends Error {
  override readonly name = 'AppError';

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorDetails,
  ) {
    super(message);
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
