import { expect } from 'chai';
import {
  allocateDiscount,
  applyDiscount,
  assignTicketCounts,
  bookingLines,
  discountOn,
  discountSummary,
  effectiveTicketTypes,
  normalizePromoCode,
  payable,
  priceList,
  priceSeats,
  promoRefusal,
  ticketPrice,
  ticketTypesOf,
  typesAsked,
  typesNotOnSale,
  type PromoCodeState,
  type TicketTypeSetting,
} from '../../core/pricing.js';

const defaults: TicketTypeSetting[] = [
  { code: 'adult', onSale: true, rules: {} },
  { code: 'child', onSale: true, rules: { regular: { kind: 'percent', value: 70 }, vip: { kind: 'fixed', value: 900 } } },
  { code: 'senior', onSale: true, rules: { regular: { kind: 'percent', value: 80 } } },
  { code: 'student', onSale: false, rules: { regular: { kind: 'percent', value: 85 } } },
];

const promo = (over: Partial<PromoCodeState> = {}): PromoCodeState => ({
  id: 1,
  code: 'SAVE',
  kind: 'percent',
  value: 10,
  maxRedemptions: null,
  perUserLimit: null,
  validFrom: null,
  validUntil: null,
  redemptions: 0,
  active: true,
  movieIds: [],
  showtimeIds: [],
  ...over,
});

describe('pricing (core/pricing)', () => {
  describe('ticket prices by type and seat type', () => {
    it('a percent rule takes that share of the adult price, rounded half up', () => {
      expect(ticketPrice(1000, { kind: 'percent', value: 70 })).to.equal(700);
      expect(ticketPrice(1005, { kind: 'percent', value: 70 })).to.equal(704); // 703.5 → 704
      expect(ticketPrice(1001, { kind: 'percent', value: 70 })).to.equal(701); // 700.7 → 701
      expect(ticketPrice(1002, { kind: 'percent', value: 75 })).to.equal(752); // 751.5 → 752
      expect(ticketPrice(999, { kind: 'percent', value: 0 })).to.equal(0);
      expect(ticketPrice(999, { kind: 'percent', value: 100 })).to.equal(999);
    });

    it('a fixed rule is that amount, never more than the adult price; no rule is the adult price', () => {
      expect(ticketPrice(1600, { kind: 'fixed', value: 900 })).to.equal(900);
      expect(ticketPrice(800, { kind: 'fixed', value: 900 })).to.equal(800);
      expect(ticketPrice(1300, undefined)).to.equal(1300);
    });

    it('prices each seat as its ticket type and seat type; unnamed seats are adult', () => {
      const types = effectiveTicketTypes(defaults, []);
      const seats = [
        { id: 1, label: 'A1', type: 'regular' as const, price: 1000 },
        { id: 2, label: 'A2', type: 'regular' as const, price: 1000 },
        { id: 3, label: 'V1', type: 'vip' as const, price: 1600 },
        { id: 4, label: 'P1', type: 'premium' as const, price: 1300 },
      ];
      const lines = priceSeats(seats, new Map([[1, 'child'], [3, 'child'], [4, 'senior']]), types);
      expect(lines.map((l) => [l.id, l.ticketType, l.price])).to.deep.equal([
        [1, 'child', 700],
        [2, 'adult', 1000],
        [3, 'child', 900],
        // senior has no premium rule: the adult price
        [4, 'senior', 1300],
      ]);
    });
  });

  describe('per-showtime overrides', () => {
    it('replace the default rule of the seat types they name and the on-sale flag; the rest stays', () => {
      const types = effectiveTicketTypes(defaults, [
        { code: 'child', rules: { regular: { kind: 'fixed', value: 500 } } },
        { code: 'student', onSale: true, rules: {} },
        { code: 'senior', onSale: false, rules: {} },
      ]);
      const child = types.find((t) => t.code === 'child')!;
      expect(child.rules.regular).to.deep.equal({ kind: 'fixed', value: 500 });
      expect(child.rules.vip).to.deep.equal({ kind: 'fixed', value: 900 });
      expect(child.overridden).to.deep.equal({ onSale: false, seatTypes: ['regular'] });
      expect(types.filter((t) => t.onSale).map((t) => t.code)).to.deep.equal(['adult', 'child', 'student']);
      expect(typesNotOnSale(['child', 'senior'], types)).to.deep.equal(['senior']);
    });

    it('adult is always on sale at the seat price, whatever is stored', () => {
      const types = effectiveTicketTypes([{ code: 'adult', onSale: false, rules: { regular: { kind: 'percent', value: 50 } } }], [
        { code: 'adult', onSale: false, rules: { regular: { kind: 'fixed', value: 1 } } },
      ]);
      const adult = types.find((t) => t.code === 'adult')!;
      expect(adult.onSale).to.equal(true);
      expect(adult.rules.regular).to.deep.equal({ kind: 'percent', value: 100 });
    });

    it('the price list gives each type on sale its price per seat type, adult first', () => {
      const list = priceList(effectiveTicketTypes(defaults, []), { regular: 1000, premium: 1300, vip: 1600, accessible: 1000, companion: 1000 });
      expect(list.map((t) => t.code)).to.deep.equal(['adult', 'child', 'senior']);
      expect(list[1]).to.deep.equal({ code: 'child', name: 'Child', prices: { regular: 700, premium: 1300, vip: 900, accessible: 1000, companion: 1000 } });
    });
  });

  describe('the ticket choice', () => {
    it('best available: seats in id order take the counted types in list order, the rest adult', () => {
      expect([...assignTicketCounts([30, 10, 20, 40], { senior: 1, child: 2 })]).to.deep.equal([
        [10, 'child'],
        [20, 'child'],
        [30, 'senior'],
        [40, 'adult'],
      ]);
    });

    it('named seats take their type, unnamed ones adult; the types asked besides adult', () => {
      expect([...ticketTypesOf([5, 6], { ticketTypes: { '6': 'student' } })]).to.deep.equal([
        [5, 'adult'],
        [6, 'student'],
      ]);
      expect(typesAsked({ ticketTypes: { '5': 'adult', '6': 'child', '7': 'child' } })).to.deep.equal(['child']);
      expect(typesAsked({ ticketCounts: { adult: 2, senior: 0, student: 1 } })).to.deep.equal(['student']);
    });
  });

  describe('discounts', () => {
    it('percent: of the lines’ total, rounded half up; fixed: the amount; never more than the total', () => {
      expect(discountOn(2000, { kind: 'percent', value: 10 })).to.equal(200);
      expect(discountOn(2099, { kind: 'percent', value: 15 })).to.equal(315); // 314.85
      expect(discountOn(1010, { kind: 'percent', value: 5 })).to.equal(51); // 50.5 → 51
      expect(discountOn(2000, { kind: 'fixed', value: 500 })).to.equal(500);
      expect(discountOn(300, { kind: 'fixed', value: 500 })).to.equal(300);
      expect(discountOn(300, { kind: 'percent', value: 100 })).to.equal(300);
    });

    it('the booking costs the lines less the discount, floored at 0', () => {
      const lines = [
        { id: 1, label: 'A1', type: 'regular' as const, price: 700, ticketType: 'child' as const, discount: 0 },
        { id: 2, label: 'A2', type: 'regular' as const, price: 1000, ticketType: 'adult' as const, discount: 0 },
      ];
      expect(applyDiscount(lines, 500)).to.deep.include({ subtotal: 1700, discount: 500, amount: 1200 });
      expect(applyDiscount(lines, 5000)).to.deep.include({ subtotal: 1700, discount: 1700, amount: 0 });
      expect(applyDiscount(lines, 0).lines.map((l) => l.discount)).to.deep.equal([0, 0]);
    });

    it('is spread over the lines in proportion to their prices, the shares adding up to it', () => {
      expect(allocateDiscount([700, 1000], 500)).to.deep.equal([206, 294]); // 205.88 and 294.12
      expect(allocateDiscount([1000, 1000, 1000], 100)).to.deep.equal([34, 33, 33]); // ties to the earlier line
      expect(allocateDiscount([0, 500], 100)).to.deep.equal([0, 100]);
      expect(allocateDiscount([300, 200], 500)).to.deep.equal([300, 200]);
      for (const [prices, d] of [
        [[1, 1, 1, 997], 7],
        [[333, 333, 334], 999],
        [[1300, 700, 900, 1600], 1234],
      ] as [number[], number][]) {
        const shares = allocateDiscount(prices, d);
        expect(shares.reduce((a, b) => a + b, 0), `${prices} ${d}`).to.equal(d);
        shares.forEach((s, i) => expect(s).to.be.within(0, prices[i]!));
      }
    });

    it('lines and the discount as a booking shows them (rows from before ticket types are adult, no discount)', () => {
      const lines = bookingLines([
        { id: 1, label: 'A1', type: 'regular', price: 700, ticketType: 'child', discount: 206 },
        { id: 2, label: 'A2', type: 'regular', price: 1000 },
      ]);
      expect(lines).to.deep.equal([
        { seatId: 1, label: 'A1', seatType: 'regular', ticketType: 'child', ticketTypeName: 'Child', price: 700, discount: 206, amount: 494 },
        { seatId: 2, label: 'A2', seatType: 'regular', ticketType: 'adult', ticketTypeName: 'Adult', price: 1000, discount: 0, amount: 1000 },
      ]);
      expect(discountSummary('SAVE', lines)).to.deep.equal({ code: 'SAVE', amount: 206 });
      expect(discountSummary(null, lines)).to.equal(null);
    });
  });

  describe('what can be charged', () => {
    it('nothing (a free booking) or at least the provider’s smallest charge; never something in between', () => {
      expect(payable(0, 50), 'free').to.equal(true);
      expect(payable(50, 50)).to.equal(true);
      expect(payable(49, 50)).to.equal(false);
      expect(payable(1, 50)).to.equal(false);
      expect(payable(1, 1), 'a provider that charges any amount').to.equal(true);
    });
  });

  describe('promo code checks', () => {
    const at = { now: new Date('2026-06-01T12:00:00Z'), movieId: 7, showtimeId: 70, userRedemptions: 0 };

    it('codes compare in capitals', () => {
      expect(normalizePromoCode('  summer10 ')).to.equal('SUMMER10');
    });

    it('unknown and deactivated codes are unknown', () => {
      expect(promoRefusal(null, at)).to.equal('unknown');
      expect(promoRefusal(promo({ active: false }), at)).to.equal('unknown');
    });

    it('the window is [validFrom, validUntil)', () => {
      expect(promoRefusal(promo({ validFrom: new Date('2026-06-01T12:00:00.001Z') }), at)).to.equal('not-yet-valid');
      expect(promoRefusal(promo({ validFrom: at.now }), at)).to.equal(null);
      expect(promoRefusal(promo({ validUntil: at.now }), at)).to.equal('expired');
      expect(promoRefusal(promo({ validUntil: new Date('2026-06-01T12:00:00.001Z') }), at)).to.equal(null);
    });

    it('a scoped code applies to its showtimes and to every showtime of its movies', () => {
      expect(promoRefusal(promo({ movieIds: [8] }), at)).to.equal('not-applicable');
      expect(promoRefusal(promo({ movieIds: [7] }), at)).to.equal(null);
      expect(promoRefusal(promo({ showtimeIds: [71] }), at)).to.equal('not-applicable');
      expect(promoRefusal(promo({ movieIds: [8], showtimeIds: [70] }), at)).to.equal(null);
    });

    it('redemptions in use count against the limit and the user’s own limit', () => {
      expect(promoRefusal(promo({ maxRedemptions: 5, redemptions: 4 }), at)).to.equal(null);
      expect(promoRefusal(promo({ maxRedemptions: 5, redemptions: 5 }), at)).to.equal('exhausted');
      expect(promoRefusal(promo({ perUserLimit: 1 }), { ...at, userRedemptions: 1 })).to.equal('per-user-limit');
      expect(promoRefusal(promo({ perUserLimit: 2 }), { ...at, userRedemptions: 1 })).to.equal(null);
    });
  });
});
