import { expect } from 'chai';
import type { SeatStatus } from '../../core/domain.js';
import { AppError } from '../../core/errors.js';
import { assertSeatCount, assertSeatsBelong, assertSeatsFree, assertShowtimeOpen } from '../../core/hold-rules.js';

const now = new Date('2026-12-01T12:00:00Z');
const refusal = (fn: () => void): AppError => {
  try {
    fn();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
};

describe('hold rules', () => {
  it('a showtime must be scheduled and not started', () => {
    expect(() => assertShowtimeOpen({ id: 1, status: 'scheduled', startsAt: new Date('2026-12-01T12:00:01Z') }, now)).not.to.throw();
    expect(refusal(() => assertShowtimeOpen({ id: 1, status: 'cancelled', startsAt: new Date('2026-12-02T00:00:00Z') }, now))).to.include({ code: 'UNPROCESSABLE', message: 'This showtime has been cancelled' });
    expect(refusal(() => assertShowtimeOpen({ id: 1, status: 'scheduled', startsAt: now }, now)).message).to.equal('This showtime has already started');
  });

  it('a checkout asks for between 1 and max seats, every id counted', () => {
    expect(() => assertSeatCount(2, 2)).not.to.throw();
    expect(refusal(() => assertSeatCount(3, 2))).to.include({ code: 'UNPROCESSABLE', message: 'A checkout holds between 1 and 2 seats' });
    expect(refusal(() => assertSeatCount(3, 2)).details).to.deep.equal({ max: 2 });
    expect(refusal(() => assertSeatCount(0, 2)).code).to.equal('UNPROCESSABLE');
  });

  it('names seats that are not of the showtime, once each, in order', () => {
    expect(refusal(() => assertSeatsBelong([9, 3, 9, 5], [5])).details).to.deep.equal({ unknownSeatIds: [3, 9] });
    expect(() => assertSeatsBelong([5, 5], [5])).not.to.throw();
  });

  it('a seat is taken when booked or held by another checkout until later; expired or own holds are free', () => {
    const seat = (id: number, status: SeatStatus, checkoutId: string | null, heldUntil: string | null) => ({ id, status, checkoutId, heldUntil: heldUntil ? new Date(heldUntil) : null });
    const seats = [
      seat(4, 'booked', null, null),
      seat(1, 'held', 'chk_other', '2026-12-01T12:05:00Z'),
      seat(2, 'held', 'chk_other', '2026-12-01T11:59:59Z'),
      seat(3, 'held', 'chk_me', '2026-12-01T12:05:00Z'),
      seat(5, 'available', null, null),
    ];
    const err = refusal(() => assertSeatsFree(seats, now, 'chk_me'));
    expect(err).to.include({ code: 'SEATS_UNAVAILABLE' });
    expect(err.details).to.deep.equal({ seatIds: [1, 4] });
    expect(refusal(() => assertSeatsFree(seats, now, null)).details).to.deep.equal({ seatIds: [1, 3, 4] });
    expect(() => assertSeatsFree(seats.slice(2), now, 'chk_me')).to.not.throw();
  });
});
