/** Every workflow the worker runs; the bundler's entry point. */
export { checkoutWorkflow } from './checkout.js';
export { cancelBookingWorkflow, cancelShowtimeWorkflow, refundWorkflow } from './refunds.js';
export { waitlistWorkflow } from './waitlist.js';
