import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import {
  ParentClosePolicy,
  getExternalWorkflowHandle,
  log,
  proxyActivities,
  startChild,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { activityOptions } from './activity-options.js';
import { cancelBookingWorkflowId, cancelMessage, cancelSignal, type CancelBookingInput, type CancelShowtimeInput, type RefundInput } from './contracts.js';
import { workflowNow } from './time.js';

const compensation = proxyActivities<Activities>(activityOptions.compensation);

/** A payment that arrived after its checkout closed: money is never kept without seats. */
export async function refundWorkflow(input: RefundInput): Promise<string> {
  return compensation.refundLatePayment(input);
}

/** A confirmed booking cancelled before the cut-off: refund, then free the seats. */
export async function cancelBookingWorkflow(input: CancelBookingInput): Promise<'REFUNDED' | 'NOTHING_TO_DO'> {
  const booking = await compensation.getBookingPayment({ bookingId: input.bookingId });
  if (!booking || booking.status !== 'CONFIRMED') return 'NOTHING_TO_DO';
  if (booking.intentId) await compensation.refundPayment({ intentId: booking.intentId });
  await compensation.releaseBookedSeats({ bookingId: input.bookingId, reason: input.reason });
  return 'REFUNDED';
}

/** Cancels a showtime: ends every open checkout on it and refunds every confirmed booking. */
export async function cancelShowtimeWorkflow(input: CancelShowtimeInput): Promise<{ checkouts: number; bookings: number }> {
  const { openCheckoutIds, confirmedBookingIds } = await compensation.cancelShowtime({ showtimeId: input.showtimeId });
  await Promise.all(
    openCheckoutIds.map((id) =>
      getExternalWorkflowHandle(id)
        .signal(cancelSignal, cancelMessage(input.reason, new Date(workflowNow())))
        .catch((e: unknown) => log.info('checkout already closed', { checkoutId: id, error: String(e) })),
    ),
  );
  await Promise.all(
    confirmedBookingIds.map((bookingId) =>
      startChild(cancelBookingWorkflow, {
        workflowId: cancelBookingWorkflowId(bookingId),
        args: [{ bookingId, reason: input.reason }],
        parentClosePolicy: ParentClosePolicy.ABANDON,
      }).catch((e: unknown) => {
        // Already being cancelled by its owner: that workflow does the same work.
        if (!(e instanceof WorkflowExecutionAlreadyStartedError)) throw e;
      }),
    ),
  );
  return { checkouts: openCheckoutIds.length, bookings: confirmedBookingIds.length };
}
