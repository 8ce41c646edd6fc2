/**
 * Every patch id the workflows use, with the change it gates. Release 1 is
 * deployed: a change to a workflow's command sequence is gated with
 * `patched(id)` so running workflows keep their recorded shape, and the new
 * shape gets recorded histories of its own (test/fixtures/histories).
 */
export const Patches = {
  /** Release 2: the checkout's steps after the hold run as local activities. */
  localSteps: 'checkout-local-steps',
  /** Release 2: a checkout's hold can be extended once (the `extend` update); its deadline is a moving timer. */
  holdExtension: 'checkout-hold-extension',
  /** Release 2: a cancel sent after the hold's deadline changes nothing (`Checkout.cancelInTime`); asked only when a cancel came. */
  cancelByDeadline: 'checkout-cancel-by-deadline',
  /** Release 2: the waitlist cancels an unstarted offer whose buyer left the line (it starts the checkout, then signals cancel). */
  waitlistLeftOffers: 'waitlist-cancel-left-offers',
} as const;
