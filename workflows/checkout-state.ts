import { condition, setHandler, upsertMemo, upsertSearchAttributes, type ApplicationFailure } from '@temporalio/workflow';
import type { BookingStatus } from '../core/domain.js';
import { AppError, isErrorCode } from '../core/errors.js';
import { toFailure } from '../core/failures.js';
import type { Reservation } from '../activities/reservation.js';
import {
  cancelSignal,
  CheckoutStatusKey,
  extendUpdate,
  holdUpdate,
  paymentFailedSignal,
  paymentSucceededSignal,
  statusQuery,
  type CheckoutInput,
  type CheckoutState,
  type HoldResult,
} from './contracts.js';
import { workflowNow } from './time.js';

export interface Payment {
  intentId: string;
  amount: number;
}

/** Moves the hold that ends at `from` to its extended end; answers the new end. */
export type ExtendHold = (from: string) => Promise<{ expiresAt: string }>;

const conflict = (message: string) => toFailure(new AppError('CONFLICT', message, {}));

/** When a cancel was sent, or, for one that does not say, when the workflow took it in. */
const sentAtMs = (sentAt: string | undefined): number => (sentAt === undefined ? workflowNow() : Date.parse(sentAt));

/**
 * One checkout's state and its messages: the `status` query, the `hold`
 * update (answered once the reservation step is done), the payment signals and
 * the cancel signal. The workflow function reads it; nothing else writes it.
 */
export class Checkout {
  readonly state: CheckoutState;
  /** The first successful payment signalled. */
  paid: Payment | undefined;
  /** The first cancel requested. */
  cancelReason: string | undefined;
  /** When it was sent (`cancelSignal`). */
  private cancelledAtMs = Number.POSITIVE_INFINITY;
  private answer: { ok: true; result: HoldResult } | { ok: false; failure: ApplicationFailure } | undefined;
  /** The signalled payment has been given back already. */
  private paymentReturned = false;
  /** When the hold runs out (ms), once the seats are held. */
  deadlineMs = Number.POSITIVE_INFINITY;
  /** An extension is being written: the deadline is about to move. */
  extending = false;
  private extended = false;
  /** The step that extends the hold; checkouts started before release 2 have none. */
  private extendHold: ExtendHold | undefined;

  constructor(readonly input: CheckoutInput) {
    this.state = {
      checkoutId: input.checkoutId,
      requestHash: input.requestHash,
      status: 'HOLDING',
      showtimeId: input.showtimeId,
      userId: input.userId,
      seats: [],
      amount: 0,
      currency: 'USD',
      expiresAt: null,
      payment: null,
      lastPaymentError: null,
      reason: null,
      holdFailure: null,
    };
    setHandler(statusQuery, () => this.state);
    setHandler(holdUpdate, () => this.holdAnswer(), {
      validator: ({ requestHash }) => {
        if (requestHash !== input.requestHash) {
          throw toFailure(new AppError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was already used with a different request'));
        }
      },
    });
    setHandler(paymentSucceededSignal, (p) => {
      this.paid ??= p;
    });
    setHandler(paymentFailedSignal, ({ reason }) => {
      this.state.lastPaymentError = reason;
    });
    setHandler(cancelSignal, ({ reason, sentAt }) => {
      if (this.cancelReason !== undefined) return;
      this.cancelReason = reason;
      this.cancelledAtMs = sentAtMs(sentAt);
    });
    setHandler(
      extendUpdate,
      async () => {
        if (!this.extendHold || !this.state.expiresAt) throw conflict('This checkout cannot be extended');
        this.extending = true;
        try {
          const { expiresAt } = await this.extendHold(this.state.expiresAt);
          this.extended = true;
          this.state.expiresAt = expiresAt;
          this.deadlineMs = Date.parse(expiresAt);
          return { expiresAt };
        } finally {
          this.extending = false;
        }
      },
      {
        validator: () => {
          if (!this.extendHold) throw conflict('This checkout cannot be extended');
          if (this.extended || this.extending) throw conflict('This checkout has been extended already');
          const open = this.state.status === 'AWAITING_PAYMENT' && !this.paid && this.cancelReason === undefined;
          if (!open || workflowNow() >= this.deadlineMs) throw conflict('This checkout is no longer awaiting payment');
        },
      },
    );
  }

  /**
   * The cancel, if it was sent before the hold's deadline; one sent later
   * changes nothing. The task that closes the checkout after the deadline
   * runs its local steps (confirming the seats, or releasing them), which are
   * recorded only when it completes; a cancel arriving meanwhile makes the
   * server refuse that completion, and the task runs again with the cancel in
   * view. It must close the checkout as its first run did.
   */
  get cancelInTime(): string | undefined {
    return this.cancelledAtMs < this.deadlineMs ? this.cancelReason : undefined;
  }

  /** The hold can be extended once, by `extendHold`; its deadline becomes a timer that moves. */
  allowExtension(extendHold: ExtendHold): void {
    this.extendHold = extendHold;
  }

  get extendable(): boolean {
    return this.extendHold !== undefined;
  }

  private async holdAnswer(): Promise<HoldResult> {
    await condition(() => this.answer !== undefined);
    const { answer } = this;
    if (answer?.ok) return answer.result;
    throw answer?.failure;
  }

  /** The seats are held and the intent exists: the hold update answers with them. */
  held(r: Reservation): void {
    Object.assign(this.state, { seats: r.seats, amount: r.amount, currency: r.currency, expiresAt: r.expiresAt, payment: r.payment });
    this.deadlineMs = Date.parse(r.expiresAt);
    upsertMemo({ seats: r.seats.map((s) => s.label).join(' '), amount: r.amount, currency: r.currency });
    this.transition('AWAITING_PAYMENT');
    const { checkoutId, showtimeId } = this.input;
    this.answer = {
      ok: true,
      result: { checkoutId, status: 'AWAITING_PAYMENT', showtimeId, seats: r.seats, amount: r.amount, currency: r.currency, expiresAt: r.expiresAt, payment: r.payment },
    };
  }

  /** The hold was refused or failed: the update answers with the failure, kept for retried requests too. */
  refused(failure: ApplicationFailure): void {
    this.answer = { ok: false, failure };
    const code = isErrorCode(failure.type) ? failure.type : 'PAYMENT_PROVIDER_ERROR';
    this.state.holdFailure = { code, message: failure.message, details: (failure.details?.[0] ?? {}) as Record<string, unknown> };
    this.transition('FAILED', failure.message);
  }

  transition(status: BookingStatus, reason: string | null = this.state.reason): void {
    this.state.status = status;
    this.state.reason = reason;
    upsertSearchAttributes([{ key: CheckoutStatusKey, value: status }]);
  }

  /** The signalled payment is being given back by the checkout itself. */
  paymentGivenBack(): void {
    this.paymentReturned = true;
  }

  /**
   * Signalled money the checkout did not keep: a success signal that landed
   * while an unpaid checkout was closing. Money is never kept without seats.
   */
  unclaimedPayment(): Payment | undefined {
    return this.paid && this.state.status !== 'CONFIRMED' && !this.paymentReturned ? this.paid : undefined;
  }
}
