import { expect } from 'chai';
import { AppError } from '../../../core/errors.js';
import * as bookings from '../../../db/bookings.js';
import * as checkouts from '../../../db/checkouts.js';
import * as seats from '../../../db/seats.js';
import { createTestDeps, type TestDeps } from '../../support/deps.js';
import { createShowtime, createUser, seatStatuses, type ShowtimeFixture } from '../../support/fixtures.js';

/** The db modules check every state change against the transition tables: an illegal one fails loudly and writes nothing. */
describe('state changes are checked against the transition tables (real MariaDB)', function () {
  this.timeout(30_000);
  let deps: TestDeps;
  let show: ShowtimeFixture;
  let userId: number;
  let n = 0;

  before(async () => {
    deps = await createTestDeps('transitions');
    show = await createShowtime(deps.ds);
    userId = (await createUser(deps)).id;
  });
  after(async () => {
    await deps?.close();
  });

  const now = () => new Date();
  async function held(seatId: number): Promise<string> {
    const checkoutId = `chk_TRANSITION${String(++n).padStart(14, '0')}`;
    await checkouts.hold(deps.ds, {
      checkoutId,
      userId,
      showtimeId: show.showtimeId,
      movieId: show.movieId,
      choice: {},
      seatIds: [seatId],
      idempotencyKey: null,
      provider: 'mock',
      currency: 'USD',
      minimumCharge: 1,
      heldUntil: new Date(Date.now() + 60_000),
      hall: { rows: 3, cols: 9 },
      policy: { singleSeatRule: false, companionsOnSale: false },
      now: now(),
      limits: { perUser: 1000, perShowtime: 1000 },
    });
    return checkoutId;
  }
  const refusal = async (p: Promise<unknown>): Promise<AppError> => {
    const e = await p.then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).to.be.instanceOf(AppError);
    return e as AppError;
  };

  it('an expired checkout cannot be confirmed: ILLEGAL_TRANSITION, and the row stays EXPIRED', async () => {
    const id = await held(show.seatIds[0]!);
    await checkouts.release(deps.ds, { checkoutId: id, showtimeId: show.showtimeId, status: 'EXPIRED', reason: 'test', graceUntil: now(), now: now() });
    const err = await refusal(bookings.confirm(deps.ds, id, now()));
    expect(err).to.include({ code: 'ILLEGAL_TRANSITION' });
    expect(err.details).to.include({ from: 'EXPIRED', to: 'CONFIRMED' });
    expect((await bookings.getState(deps.ds, id))?.status).to.equal('EXPIRED');
  });

  it('a confirmed booking cannot be released as expired; repeating a transition already made changes nothing', async () => {
    const id = await held(show.seatIds[1]!);
    await bookings.awaitPayment(deps.ds, id, { provider: 'mock', intentId: 'mpi_x' }, now());
    await checkouts.confirm(deps.ds, id, show.showtimeId, now());
    expect(await bookings.confirm(deps.ds, id, now()), 'a retried confirm').to.equal(false);
    const err = await refusal(bookings.release(deps.ds, id, 'EXPIRED', 'late timer', now()));
    expect(err.code).to.equal('ILLEGAL_TRANSITION');
    expect((await bookings.getState(deps.ds, id))?.status).to.equal('CONFIRMED');
    expect((await seatStatuses(deps.ds, [show.seatIds[1]!]))[0]!.status).to.equal('booked');
  });

  it('a seat cannot go from available straight to booked', async () => {
    const seatId = show.seatIds[2]!;
    const err = await refusal(deps.ds.transaction(async (tx) => seats.book(tx, await seats.lockByIds(tx, [seatId]), 'chk_none')));
    expect(err.code).to.equal('ILLEGAL_TRANSITION');
    expect((await seatStatuses(deps.ds, [seatId]))[0]).to.include({ status: 'available', booking_id: null });
  });
});
