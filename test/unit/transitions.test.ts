import { expect } from 'chai';
import { BookingStatuses, BookingTransitions, SeatStatuses, SeatTransitions } from '../../core/domain.js';
import { AppError } from '../../core/errors.js';
import { assertTransition, canTransition, sourcesOf } from '../../core/transitions.js';

describe('state transition tables (core/domain, core/transitions)', () => {
  it('cover every status, and name only known statuses', () => {
    expect(Object.keys(BookingTransitions).sort()).to.deep.equal([...BookingStatuses].sort());
    expect(Object.keys(SeatTransitions).sort()).to.deep.equal([...SeatStatuses].sort());
    for (const next of Object.values(BookingTransitions)) expect(BookingStatuses).to.include.members([...next]);
  });

  it('allow the checkout lifecycle and refuse what would break it', () => {
    expect(canTransition('booking', 'HOLDING', 'AWAITING_PAYMENT')).to.equal(true);
    expect(canTransition('booking', 'AWAITING_PAYMENT', 'CONFIRMED')).to.equal(true);
    expect(canTransition('booking', 'CONFIRMED', 'REFUNDED')).to.equal(true);
    expect(canTransition('booking', 'EXPIRED', 'CONFIRMED'), 'an expired checkout is never sold').to.equal(false);
    expect(canTransition('booking', 'CONFIRMED', 'EXPIRED'), 'a sold booking is only refunded').to.equal(false);
    expect(canTransition('booking', 'HOLDING', 'CONFIRMED'), 'no sale without a payment intent').to.equal(false);
    expect(canTransition('seat', 'available', 'booked'), 'a seat is held before it is booked').to.equal(false);
    expect(canTransition('seat', 'booked', 'held'), 'a refunded seat goes to the waitlist first').to.equal(true);
    expect(canTransition('seat', 'available', 'available'), 'a free seat is not released again').to.equal(false);
  });

  it('assertTransition fails ILLEGAL_TRANSITION naming the row and both statuses', () => {
    const err = (() => {
      try {
        assertTransition('booking', 'CANCELLED', 'CONFIRMED', 'chk_1');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).to.be.instanceOf(AppError);
    expect(err).to.include({ code: 'ILLEGAL_TRANSITION', retryable: false });
    expect((err as AppError).details).to.deep.equal({ kind: 'booking', id: 'chk_1', from: 'CANCELLED', to: 'CONFIRMED' });
  });

  it('sourcesOf lists the statuses a target is reached from (the WHERE of a conditional update)', () => {
    expect(sourcesOf('booking', 'CONFIRMED')).to.deep.equal(['AWAITING_PAYMENT']);
    expect(sourcesOf('booking', 'EXPIRED').sort()).to.deep.equal(['AWAITING_PAYMENT', 'HOLDING']);
    expect(sourcesOf('seat', 'available').sort()).to.deep.equal(['booked', 'held']);
  });
});
