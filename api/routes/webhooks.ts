import { z } from 'zod';
import { paymentEventFromStripe, StripeEventEnvelope, verifyStripeWebhook, WebhookSignatureError } from '../../payments/stripe-provider.js';
import { AppError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { idOfIntent } from '../../db/bookings.js';
import { ingestPaymentEvent } from '../payment-events.js';
import { route } from '../route.js';
import { ErrorResponse } from '../schemas/common.js';

const TAGS = ['Webhooks'];

/** Documents the body; the handler verifies and parses the raw bytes, never this parsed copy. */
const StripeEventBody = StripeEventEnvelope.meta({
  id: 'StripeEvent',
  description: 'A Stripe Event, exactly as Stripe sent it (the signature covers the raw bytes)',
});

const StripeSignatureHeaders = z.object({
  'stripe-signature': z.string().optional().meta({ description: 'Stripe webhook signature: t=<unix time>,v1=<HMAC-SHA256>' }),
});

const WebhookAck = z
  .object({
    received: z.literal(true),
    outcome: z.enum(['applied', 'duplicate', 'ignored']).meta({ description: 'applied: acted on; duplicate: event id seen before; ignored: recorded only' }),
  })
  .meta({ id: 'WebhookAck' });

const UNPARSED = Symbol.for('unparsedBody');

/**
 * The exact bytes received: koa-body 8 (`includeUnparsed: true`) keeps them on
 * `request.rawBody`; older versions kept them under Symbol.for('unparsedBody').
 */
function rawBody(request: { body?: unknown }): unknown {
  const r = request as { body?: Record<symbol, unknown>; rawBody?: unknown };
  return r.rawBody ?? r.body?.[UNPARSED];
}

const badSignature = (message: string): AppError =>
  new AppError('VALIDATION_FAILED', message, { in: 'header', header: 'stripe-signature' });

export const webhookRoutes = [
  route({
    method: 'post',
    path: '/webhooks/stripe',
    summary: 'Stripe webhook: signed payment events (payment_intent.succeeded / payment_failed / canceled, charge.refunded)',
    tags: TAGS,
    body: StripeEventBody,
    headers: StripeSignatureHeaders,
    responses: {
      200: { description: 'Verified and recorded (acted on, a duplicate, or ignored)', schema: WebhookAck },
      400: { description: 'Missing, invalid or stale Stripe-Signature, or an unreadable body: nothing recorded', schema: ErrorResponse },
      404: { description: 'Stripe payments are not enabled on this deployment (PAYMENTS_PROVIDER is not stripe)', schema: ErrorResponse },
    },
    handler: async ({ ctx }, deps) => {
      const secret = deps.config.STRIPE_WEBHOOK_SECRET;
      if (deps.config.PAYMENTS_PROVIDER !== 'stripe' || !secret) {
        throw new AppError('NOT_FOUND', 'Stripe webhooks are not enabled on this deployment (PAYMENTS_PROVIDER is not stripe)', { resource: 'webhook', id: 'stripe' });
      }
      const raw = rawBody(ctx.request);
      if (typeof raw !== 'string' || raw.length === 0) throw new AppError('VALIDATION_FAILED', 'Empty webhook body', { in: 'body' });
      const signature = ctx.get('stripe-signature');
      if (!signature) throw badSignature('Missing Stripe-Signature header');
      let verified;
      try {
        verified = verifyStripeWebhook(raw, signature, secret);
      } catch (e) {
        if (e instanceof WebhookSignatureError) throw badSignature(`Stripe signature verification failed: ${e.message}`);
        throw e;
      }
      const event = paymentEventFromStripe(verified, raw);
      // A charge (or an intent created outside a checkout) may not carry the checkout id: the booking row knows it.
      if (event.intentId && !event.checkoutId) event.checkoutId = await idOfIntent(deps.ds, event.intentId);
      // Records the event id (dedupe) and signals the checkout (or starts the late-payment refund);
      // never waits on a workflow. payment_intent.canceled and charge.refunded are recorded only:
      // the workflows caused them, and the booking already says what happened.
      const outcome = await ingestPaymentEvent(deps, event);
      ((ctx.state.log as Logger | undefined) ?? deps.log).info({ eventId: event.eventId, type: event.type, checkoutId: event.checkoutId, outcome }, 'stripe webhook');
      return { body: { received: true, outcome } };
    },
  }),
];
