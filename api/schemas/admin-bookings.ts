import { z } from 'zod';
import { AuditEntrySchema } from './audit.js';
import { AdminBooking } from './checkout.js';
import { Currency, Instant, Money } from './common.js';

export const AdminBookingActions = ['cancel', 'release'] as const;

export const AdminBookingDetail = AdminBooking.extend({
  paymentState: z
    .enum(['requires_payment', 'processing', 'succeeded', 'canceled', 'refunded'])
    .nullable()
    .meta({ description: "The payment intent's state at the provider now; null without an intent or when the provider does not answer" }),
  paymentEvents: z.array(
    z.object({ provider: z.string(), eventId: z.string(), type: z.string(), intentId: z.string().nullable(), receivedAt: Instant }),
  ),
  refunds: z.array(
    z.object({
      kind: z.enum(['cancellation', 'late-payment', 'compensation']).meta({
        description: 'cancellation: a confirmed booking refunded (customer, admin or showtime cancel); late-payment: money that arrived after the checkout closed; compensation: paid while the checkout was being cancelled',
      }),
      amount: Money,
      currency: Currency,
      at: Instant,
      reason: z.string().nullable(),
      workflowId: z.string(),
      workflowUrl: z.url(),
    }),
  ),
  messages: z.array(z.object({ kind: z.string(), channel: z.string(), body: z.string(), createdAt: Instant })),
  workflows: z.array(z.object({ id: z.string(), role: z.enum(['checkout', 'cancellation', 'late-refund']), url: z.url() })),
  audit: z.array(AuditEntrySchema).meta({ description: 'Admin actions on this booking, newest first' }),
  actions: z.array(z.enum(AdminBookingActions)).meta({ description: 'What the signed-in user may do to the booking now: cancel (with a refund) or release (a hold)' }),
}).meta({ id: 'AdminBookingDetail' });

export const AdminActionBody = z
  .object({ reason: z.string().trim().min(1).max(200).optional().meta({ description: 'Kept on the booking and in the audit trail' }) })
  .strict();
