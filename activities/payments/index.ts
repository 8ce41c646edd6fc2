import type { DataSource } from 'typeorm';
import type { Clock } from '../../core/clock.js';
import type { Config } from '../../core/config.js';
import { MockProvider } from './mock-provider.js';
import type { PaymentProvider } from './provider.js';

export type { PaymentProvider } from './provider.js';

/** Picks the provider named by PAYMENTS_PROVIDER. */
export function createPaymentProvider(config: Config, ds: DataSource, clock: Clock): PaymentProvider {
  switch (config.PAYMENTS_PROVIDER) {
    case 'mock':
      return new MockProvider(ds, clock);
    case 'stripe':
      throw new Error('PAYMENTS_PROVIDER=stripe is not available in this build yet');
  }
}
