/**
 * Workflow time, in ms since the epoch: the start time of the current
 * workflow task, the same on every replay (the workflow sandbox makes
 * `Date.now()` deterministic; lint keeps every other use of it out).
 */
// eslint-disable-next-line no-restricted-properties
export const workflowNow = (): number => Date.now();
