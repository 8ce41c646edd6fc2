import { expect } from 'chai';
import { bestAvailable, companionsAlone, runsOf, strandedSeats } from '../../core/seating.js';
import { hall, ids, named } from '../support/seat-grid.js';

describe('seating rules (core/seating)', () => {
  it('runs of seats side by side break at aisles and rows', () => {
    const h = hall(['RRR.RR', 'RRRRRR']);
    expect(runsOf(h.seats).map((r) => r.map((s) => h.label(s.id)).join(' '))).to.deep.equal(['A1 A2 A3', 'A4 A5', 'B1 B2 B3 B4 B5 B6']);
  });

  describe('no stranded single seats', () => {
    it('refuses a hold that leaves one free seat alone against the row end, an aisle or a taken seat', () => {
      const h = hall(['RRRR.RRRR', 'RRRRRRRRR'], 'B5');
      expect(named(h, strandedSeats(h.seats, ids(h, 'A2')))).to.equal('A1');
      expect(named(h, strandedSeats(h.seats, ids(h, 'A3')))).to.equal('A4');
      expect(named(h, strandedSeats(h.seats, ids(h, 'A2 A3')))).to.equal('A1 A4');
      expect(named(h, strandedSeats(h.seats, ids(h, 'B3')))).to.equal('B4');
    });

    it('lets a clean hold go, and one whose size cannot avoid it in that run', () => {
      const h = hall(['RRRR.RRRR', 'RR.RRRRRR']);
      expect(strandedSeats(h.seats, ids(h, 'A1 A2'))).to.deep.equal([]);
      expect(strandedSeats(h.seats, ids(h, 'A3 A4'))).to.deep.equal([]);
      expect(strandedSeats(h.seats, ids(h, 'A1 A2 A3')), 'three of four always strands one').to.deep.equal([]);
      expect(strandedSeats(h.seats, ids(h, 'B1')), 'one of a pair').to.deep.equal([]);
    });

    it('does not blame a hold for a seat that was alone already', () => {
      const h = hall(['RRRRR'], 'A2');
      expect(strandedSeats(h.seats, ids(h, 'A5'))).to.deep.equal([]);
    });
  });

  it('a companion seat needs a wheelchair space beside it in the same hold', () => {
    const h = hall(['ACRR', 'A.CR']);
    expect(named(h, companionsAlone(h.seats, ids(h, 'A2')))).to.equal('A2');
    expect(companionsAlone(h.seats, ids(h, 'A1 A2'))).to.deep.equal([]);
    expect(named(h, companionsAlone(h.seats, ids(h, 'B1 B2'))), 'an aisle between them').to.equal('B2');
  });

  describe('best available', () => {
    const tenByTwelve = Array.from({ length: 10 }, () => 'RRRRRRRRRRRR');
    const best = (h: ReturnType<typeof hall>, req: Parameters<typeof bestAvailable>[2], companionsOnSale = false) => {
      const r = bestAvailable(h.seats, h, req, { companionsOnSale });
      return 'seatIds' in r ? named(h, r.seatIds) : r.reason;
    };

    it('seats side by side at the centre, two thirds of the way back', () => {
      expect(best(hall(tenByTwelve), { count: 4 })).to.equal('G5 G6 G7 G8');
    });

    it('moves away from taken seats, and never leaves a single seat alone', () => {
      expect(best(hall(tenByTwelve, 'G6'), { count: 4 })).to.not.include('G');
      // Four of the five on the left would strand the fifth, although they are nearer the centre.
      expect(best(hall(['RRRRR.RRRR']), { count: 4 })).to.equal('A6 A7 A8 A9');
      expect(best(hall(['RRRRR.RRRR'], 'A1'), { count: 4 }), 'a taken end seat makes the left four clean').to.equal('A2 A3 A4 A5');
    });

    it('keeps wheelchair spaces and companion seats for those who ask for them', () => {
      const h = hall(['RRRRRR', 'ACRRCA', 'RRRRRR']);
      expect(best(h, { count: 2, accessible: true })).to.match(/^B(1 B2|5 B6)$/);
      expect(best(hall(['ACRA']), { count: 2 })).to.include('A3');
      expect(best(hall(['AR'], 'A2'), { count: 1 }), 'only a wheelchair space is left').to.equal('A1');
      expect(best(hall(['CR'], 'A2'), { count: 1 })).to.match(/^no 1 seats/);
      expect(best(hall(['CR'], 'A2'), { count: 1 }, true), 'after the hold-back ends').to.equal('A1');
    });

    it('honours a seat type', () => {
      expect(best(hall(['PPPP', 'RRRR', 'RRRR']), { count: 2, seatType: 'premium' })).to.match(/^A/);
    });

    it('splits over the fewest adjacent rows only when asked, else says why', () => {
      const h = hall(['RRRR', 'RRRR', 'RRRR'], 'A1 A2 A3 A4 B1 B2 B3 C1');
      expect(best(h, { count: 4 })).to.match(/^no 4 seats free side by side/);
      // Each part is side by side and strands nothing: a whole row and a pair at a row end.
      expect(best(hall(['RRRR', 'RRRR', 'RRRR'], 'A1 A2 A3 A4'), { count: 6, allowSplit: true })).to.equal('B1 B2 B3 B4 C1 C2');
      expect(best(hall(['RRRR', 'RRRR', 'RRRR'], 'A1 A2 A3 A4'), { count: 6 })).to.match(/^no 6 seats/);
    });
  });
});
