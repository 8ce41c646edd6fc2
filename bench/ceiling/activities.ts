/** No-op stand-ins for Marquee's hold, confirm and notification steps. */
export const leastWorkActivities = {
  async hold(): Promise<string> {
    return 'AWAITING_PAYMENT';
  },
  async confirm(): Promise<void> {},
  async notify(): Promise<void> {},
};
