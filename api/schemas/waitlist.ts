import { z } from 'zod';
import { WaitlistStatuses } from '../../core/domain.js';
import { CHECKOUT_ID, WAITLIST_ID } from '../../core/ids.js';
import { Instant, page, Pagination } from './common.js';

export const JoinWaitlistBody = z
  .object({ count: z.number().int().min(1).max(50).meta({ description: 'Seats wanted, 1 to MAX_SEATS_PER_CHECKOUT' }) })
  .strict()
  .meta({ id: 'JoinWaitlist' });

export const WaitlistIdParams = z.object({
  id: z.string().regex(WAITLIST_ID, 'must be a waitlist id like wl_01J…').meta({ example: 'wl_01JD3Z6R8W5X4V2T1S0Q9P8N7M' }),
});

export const WaitlistEntry = z
  .object({
    waitlistId: z.string().regex(WAITLIST_ID),
    showtimeId: z.number().int(),
    count: z.number().int(),
    status: z.enum(WaitlistStatuses),
    position: z.number().int().nullable().meta({ description: 'Place in line among those waiting (1 = next); null unless waiting' }),
    offer: z
      .object({ checkoutId: z.string().regex(CHECKOUT_ID) })
      .nullable()
      .meta({ description: 'The checkout holding seats for this entry, once it has an offer: pay it with POST /checkouts/{id}/pay' }),
    createdAt: Instant,
  })
  .meta({ id: 'WaitlistEntry' });

export const WaitlistPage = page(WaitlistEntry).meta({ id: 'WaitlistPage' });

export const AdminWaitlistEntry = WaitlistEntry.extend({ user: z.object({ id: z.number().int(), email: z.string(), name: z.string() }) }).meta({
  id: 'AdminWaitlistEntry',
});
export const AdminWaitlistPage = page(AdminWaitlistEntry).meta({ id: 'AdminWaitlistPage' });

export const AdminWaitlistQuery = Pagination.extend({
  status: z.enum(WaitlistStatuses).optional().meta({ description: 'Only entries in this status (default: all, in line order)' }),
});

export const WaitlistQuery = Pagination;
