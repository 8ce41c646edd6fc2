/** An OpenAPI Link Object that names its target by operation id. */
export interface OperationLink {
  operationId: string;
  description?: string;
  parameters?: Record<string, string>;
  requestBody?: unknown;
}

/**
 * The id of an operation in the OpenAPI document, from its method and path:
 * `post /checkouts/:id/pay` → `postCheckoutsByIdPay`. Unique because routes are.
 */
export function operationIdOf(method: string, path: string): string {
  const words = path
    .split('/')
    .filter(Boolean)
    .map((part) => (part.startsWith(':') ? `by-${part.slice(1)}` : part))
    .flatMap((part) => part.split(/[^A-Za-z0-9]+/))
    .filter(Boolean);
  return method.toLowerCase() + words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
}

const checkoutId = { id: '$response.body#/checkoutId' };

/**
 * How one operation's answer feeds the next (OpenAPI links), by source
 * operation id and status: a client can follow them, and the stateful phase of
 * the schemathesis run (test/integration/openapi-fuzz.test.ts) chains its
 * requests along them: seat map → hold → get, pay, cancel → booking, cancel.
 */
export const OPENAPI_LINKS: Record<string, Record<number, Record<string, OperationLink>>> = {
  getShowtimesByIdSeats: {
    200: {
      HoldFirstSeat: {
        operationId: 'postCheckouts',
        description: 'Hold the first seat of this seat map',
        requestBody: { showtimeId: '$response.body#/showtimeId', seatIds: ['$response.body#/seats/0/id'] },
      },
    },
  },
  postCheckouts: {
    201: {
      GetCheckout: { operationId: 'getCheckoutsById', parameters: checkoutId },
      PayWithTestCard: {
        operationId: 'postCheckoutsByIdPay',
        description: 'Pay with the test card that succeeds (test mode)',
        parameters: checkoutId,
        requestBody: { card: '4242 4242 4242 4242' },
      },
      CancelCheckout: { operationId: 'postCheckoutsByIdCancel', parameters: checkoutId },
    },
  },
  postCheckoutsByIdPay: {
    200: {
      GetBooking: { operationId: 'getBookingsById', parameters: checkoutId },
      CancelBooking: { operationId: 'postBookingsByIdCancel', parameters: checkoutId },
    },
  },
};
