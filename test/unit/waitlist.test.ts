import { expect } from 'chai';
import { planOffers } from '../../core/waitlist.js';
import { hall, named } from '../support/seat-grid.js';

const rules = { singleSeatRule: true, companionsOnSale: false };
const entry = (id: string, count: number) => ({ id, count });

describe('waitlist offers plan (core/waitlist)', () => {
  it('serves the line in order; an entry the free seats cannot serve keeps its place while a later, smaller one is served', () => {
    const h = hall(['RRRRRR'], 'A1 A2 A5 A6');
    const plan = planOffers([entry('six', 4), entry('two', 2), entry('one', 1)], h.seats, h, rules);
    expect(plan.map((o) => [o.entryId, named(h, o.seatIds)])).to.deep.equal([['two', 'A3 A4']]);
  });

  it('gives each entry seats side by side where it can, and never one seat to two entries', () => {
    const h = hall(['RRRRRRRR'], 'A1 A2 A7 A8');
    const plan = planOffers([entry('first', 2), entry('second', 2)], h.seats, h, rules);
    expect(plan.map((o) => o.entryId)).to.deep.equal(['first', 'second']);
    const [first, second] = plan.map((o) => named(h, o.seatIds));
    expect([first, second].sort(), 'two pairs, no single seat stranded between them').to.deep.equal(['A3 A4', 'A5 A6']);
  });

  it('splits over adjacent rows before it seats a party apart, and seats it apart before it makes no offer', () => {
    const rows = hall(['RRRR', 'RRRR'], 'A1 A2 B1 B2');
    expect(named(rows, planOffers([entry('four', 4)], rows.seats, rows, rules)[0]!.seatIds)).to.equal('A3 A4 B3 B4');
    const apart = hall(['RRRRRRR'], 'A2 A3 A5 A6');
    expect(named(apart, planOffers([entry('two', 2)], apart.seats, apart, rules)[0]!.seatIds), 'the centre seat, then the nearer of the rest').to.equal('A1 A4');
  });

  it('offers nothing when no seat is free, and follows the single-seat rule when it seats people apart', () => {
    const full = hall(['RRRR'], 'A1 A2 A3 A4');
    expect(planOffers([entry('one', 1)], full.seats, full, rules)).to.deep.equal([]);
    const h = hall(['RRRRR'], 'A1 A4');
    const one = planOffers([entry('one', 1)], h.seats, h, rules)[0]!;
    expect(named(h, one.seatIds), 'A3 would leave A2 alone').to.not.equal('A3');
  });
});
