import { ulid } from 'ulid';

/** Checkout id = booking id = checkout workflow id (DESIGN §4). */
export const newCheckoutId = (): string => `chk_${ulid()}`;

export const isCheckoutId = (s: string): boolean => /^chk_[0-9A-HJKMNP-TV-Z]{26}$/.test(s);

export const refundWorkflowId = (intentId: string): string => `refund-${intentId}`;

export const cancelBookingWorkflowId = (bookingId: string): string => `cancel-${bookingId}`;
