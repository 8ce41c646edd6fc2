import { notFound } from '../../../core/errors.js';
import { roleAtLeast } from '../../../core/domain.js';
import { findEntries } from '../../../db/audit.js';
import { customersOf, messagesOf, paymentEventsOf } from '../../../db/booking-records.js';
import { findBooking, findBookings, type BookingView } from '../../../db/bookings.js';
import { cancelBookingWorkflowId, refundWorkflowId } from '../../../workflows/contracts.js';
import type { AuthUser } from '../../auth.js';
import type { AppDeps } from '../../deps.js';
import { route } from '../../route.js';
import { AdminBookingDetail } from '../../schemas/admin-bookings.js';
import { AdminBooking, AdminBookingListQuery, CheckoutIdParams } from '../../schemas/checkout.js';
import { page } from '../../schemas/common.js';
import { addDays, utcDayRange } from '../../schemas/params.js';
import { auditView } from './audit.js';
import { workflowUrl } from './support.js';

const TAGS = ['Admin'];

/** A booking as the console lists it: with its customer and its checkout workflow in the Temporal UI. */
async function adminBookings(deps: AppDeps, items: BookingView[]) {
  const customers = await customersOf(deps.ds, items.map((b) => b.userId));
  return items.map((b) => ({
    ...b,
    customer: customers.get(b.userId) ?? { id: b.userId, email: '', name: '' },
    workflowUrl: workflowUrl(deps.config, b.checkoutId),
  }));
}

/** Where the money went back, as the booking's row and the provider tell it, each with the workflow that did it. */
function refundsOf(b: BookingView, paymentState: string | null) {
  const refund = (kind: 'cancellation' | 'late-payment' | 'compensation', workflowId: string) => ({
    kind,
    amount: b.amount,
    currency: b.currency,
    at: b.updatedAt,
    reason: b.reason,
    workflowId,
  });
  if (b.status === 'REFUNDED') return [refund('cancellation', cancelBookingWorkflowId(b.checkoutId))];
  if (b.payment && b.reason?.startsWith('late payment refunded')) return [refund('late-payment', refundWorkflowId(b.payment.intentId))];
  if (paymentState === 'refunded') return [refund('compensation', b.checkoutId)];
  return [];
}

/** What the user may do to the booking now (admins only): refund a confirmed booking, release an open checkout. */
const actionsOn = (b: BookingView, user: AuthUser): ('cancel' | 'release')[] => {
  if (!roleAtLeast(user.role, 'admin')) return [];
  if (b.status === 'CONFIRMED') return ['cancel'];
  if (b.status === 'HOLDING' || b.status === 'AWAITING_PAYMENT') return ['release'];
  return [];
};

export async function bookingDetail(deps: AppDeps, id: string, user: AuthUser) {
  const booking = await findBooking(deps.ds, deps.config, id);
  if (!booking) throw notFound('booking', id);
  const intentId = booking.payment?.intentId ?? null;
  const [[view], paymentEvents, messages, trail, paymentState] = await Promise.all([
    adminBookings(deps, [booking]),
    paymentEventsOf(deps.ds, id, intentId),
    messagesOf(deps.ds, id),
    findEntries(deps.ds, { resourceType: 'booking', resourceId: id, limit: 100, offset: 0 }),
    // The provider's view of the money; the page still opens when it does not answer.
    intentId ? deps.payments.getIntent(intentId).then((i) => i.state, () => null) : Promise.resolve(null),
  ]);
  const refunds = refundsOf(booking, paymentState).map((r) => ({ ...r, workflowUrl: workflowUrl(deps.config, r.workflowId) }));
  const workflows = [
    { id, role: 'checkout' as const },
    ...refunds.filter((r) => r.workflowId !== id).map((r) => ({ id: r.workflowId, role: r.kind === 'cancellation' ? ('cancellation' as const) : ('late-refund' as const) })),
  ].map((w) => ({ ...w, url: workflowUrl(deps.config, w.id) }));
  return {
    ...view!,
    paymentState,
    paymentEvents,
    refunds,
    messages,
    workflows,
    audit: trail.items.map((e) => auditView(deps, e)),
    actions: actionsOn(booking, user),
  };
}

export const adminBookingRoutes = [
  route({
    method: 'get',
    path: '/admin/bookings',
    summary: 'Find bookings by customer email, checkout id, showtime, status or day made (staff and admins)',
    tags: TAGS,
    auth: 'staff',
    query: AdminBookingListQuery,
    responses: { 200: { description: 'A page of bookings, newest first, each linked to its workflow in the Temporal UI', schema: page(AdminBooking) } },
    handler: async ({ query }, deps) => {
      const { items, total } = await findBookings(deps.ds, deps.config, {
        status: query.status,
        showtimeId: query.showtime,
        userId: query.user,
        email: query.email,
        idContains: query.checkout,
        createdFrom: query.from ? utcDayRange(query.from)[0] : undefined,
        createdTo: query.to ? addDays(utcDayRange(query.to)[0], 1) : undefined,
        limit: query.limit,
        offset: query.offset,
      });
      return { body: { items: await adminBookings(deps, items), total, limit: query.limit, offset: query.offset } };
    },
  }),

  route({
    method: 'get',
    path: '/admin/bookings/:id',
    summary: 'A booking with its customer, seats, payment events, refunds, messages, workflows and audit trail (staff and admins)',
    tags: TAGS,
    auth: 'staff',
    params: CheckoutIdParams,
    responses: { 200: { description: 'The booking', schema: AdminBookingDetail } },
    handler: async ({ params, user }, deps) => ({ body: await bookingDetail(deps, params.id, user) }),
  }),
];
