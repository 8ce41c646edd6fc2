import type { DataSource } from 'typeorm';
import type { Clock } from '../core/clock.js';
import type { Config } from '../core/config.js';
import { FreeProvider, withFreeBookings } from './free-provider.js';
import { MockProvider } from './mock-provider.js';
import type { PaymentProvider } from './provider.js';
import { StripeProvider } from './stripe-provider.js';

export type { PaymentProvider } from './provider.js';

/** The provider named by PAYMENTS_PROVIDER, with free bookings kept off it (payments/free-provider.ts). */
export function createPaymentProvider(config: Config, ds: DataSource, clock: Clock): PaymentProvider {
  return withFreeBookings(configuredProvider(config, ds, clock), new FreeProvider(ds, clock));
}

function configuredProvider(config: Config, ds: DataSource, clock: Clock): PaymentProvider {
  switch (config.PAYMENTS_PROVIDER) {
    case 'mock':
      return new MockProvider(ds, clock);
    case 'stripe':
      // core/config already refuses PAYMENTS_PROVIDER=stripe without a key; this guards hand-built configs.
      if (!config.STRIPE_SECRET_KEY) throw new Error('PAYMENTS_PROVIDER=stripe needs STRIPE_SECRET_KEY');
      return new StripeProvider({ secretKey: config.STRIPE_SECRET_KEY, apiUrl: config.STRIPE_API_URL });
  }
}
