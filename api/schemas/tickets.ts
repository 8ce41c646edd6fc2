import { z } from 'zod';
import { BookingStatuses, SeatTypes } from '../../core/domain.js';
import { TICKET_CODE_LENGTH } from '../../tickets/codes.js';
import { Booking, CheckoutIdParams } from './checkout.js';
import { IntId } from './common.js';

export const Ticket = z
  .object({
    seatId: z.number().int(),
    label: z.string(),
    code: z.string().meta({ description: `The signed ticket code (${TICKET_CODE_LENGTH} characters, Crockford base 32), what the QR code holds` }),
  })
  .meta({ id: 'Ticket' });

/** A booking as its owner sees it: with one ticket per seat once it is CONFIRMED (none otherwise). */
export const TicketedBooking = Booking.extend({ tickets: z.array(Ticket) }).meta({ id: 'TicketedBooking' });

export const TicketParams = CheckoutIdParams.extend({ seatId: IntId });

export const CheckInBody = z
  .object({
    code: z
      .string()
      .min(1)
      .max(200)
      .meta({ description: 'The code read from the QR code or typed in (any case; spaces and dashes are ignored)', example: 'T101JD3Z6R8W5X4V2T1S0Q9P8N7M000000KABCDEFGHJKMNPQRS' }),
  })
  .strict()
  .meta({ id: 'CheckIn' });

const ScannedTicket = {
  seat: z.object({ id: z.number().int(), label: z.string(), type: z.enum(SeatTypes) }),
  showtime: z.object({
    id: z.number().int(),
    startsAt: z.string(),
    movie: z.object({ id: z.number().int(), title: z.string() }),
    hall: z.object({ id: z.number().int(), name: z.string() }),
  }),
  booking: z.object({ id: z.string(), status: z.enum(BookingStatuses), seatCount: z.number().int() }),
};

export const Admitted = z
  .object({ status: z.literal('admitted'), checkedInAt: z.string(), ...ScannedTicket })
  .meta({ id: 'Admitted' });
