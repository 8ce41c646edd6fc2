import { expect } from 'chai';
import { createTestDeps, type TestDeps } from '../../support/deps.js';
import { createShowtime, createUsers, seatStatuses, type ShowtimeFixture, type TestUser } from '../../support/fixtures.js';
import { startTestApi, type TestApi } from '../../support/http.js';
import { startTestWorker, type TestWorker } from '../../support/worker.js';

const HOLD_EXTENSION_SECONDS = 300;

/** Best available, the single-seat rule, companion seats and the hold's extension, against MariaDB and Temporal with the rules on. */
describe('seat selection: best available, no stranded seats, companion seats, extension', function () {
  this.timeout(120_000);
  let deps: TestDeps;
  let api: TestApi;
  let worker: TestWorker;
  let users: TestUser[];

  before(async () => {
    deps = await createTestDeps('seating', {
      config: { SINGLE_SEAT_RULE: 'on', HOLD_TTL_SECONDS: '120', HOLD_EXTENSION_SECONDS: String(HOLD_EXTENSION_SECONDS), COMPANION_RELEASE_MINUTES: '60' },
    });
    worker = await startTestWorker(deps);
    api = await startTestApi(deps);
    users = await createUsers(deps, 30);
  });
  after(async () => {
    await api?.close();
    await worker?.stop();
    await deps?.close();
  });

  const hold = (user: TestUser, body: object, key?: string) =>
    api.request('POST', '/api/v1/checkouts', { token: user.token, body, headers: key ? { 'idempotency-key': key } : {} });
  const labels = (reply: { body: { seats: { label: string }[] } }) => reply.body.seats.map((s) => s.label);
  const startedCheckouts = async (showtimeId: number): Promise<number> =>
    (await deps.temporal.workflow.count(`TaskQueue = "${deps.config.TASK_QUEUE}" AND ShowtimeId = "${showtimeId}"`)).count;

  /** Free seats that sit alone in their run (row part between aisles and ends), as the buyer sees the hall. */
  async function lonelySeats(show: ShowtimeFixture): Promise<string[]> {
    const rows: { label: string; status: string; grid_row: number; grid_col: number }[] = await deps.ds.query(
      `SELECT CONCAT(hs.row_label, hs.number) AS label, ss.status, hs.grid_row, hs.grid_col
         FROM show_seats ss JOIN hall_seats hs ON hs.id = ss.hall_seat_id WHERE ss.showtime_id = ? ORDER BY hs.grid_row, hs.grid_col`,
      [show.showtimeId],
    );
    const at = new Map(rows.map((r) => [`${r.grid_row}:${r.grid_col}`, r]));
    const free = (row: number, col: number) => at.get(`${row}:${col}`)?.status === 'available';
    const exists = (row: number, col: number) => at.has(`${row}:${col}`);
    return rows
      .filter((r) => r.status === 'available')
      .filter((r) => {
        const left = exists(r.grid_row, r.grid_col - 1);
        const right = exists(r.grid_row, r.grid_col + 1);
        return (left || right) && !free(r.grid_row, r.grid_col - 1) && !free(r.grid_row, r.grid_col + 1);
      })
      .map((r) => r.label);
  }

  it('12 simultaneous best-available requests for 4 seats in a 10×12 hall get 12 disjoint same-row blocks and strand no seat', async () => {
    const show = await createShowtime(deps.ds, { layout: Array.from({ length: 10 }, () => 'RRRRRRRRRRRR') });
    const replies = await Promise.all(users.slice(0, 12).map((u, i) => hold(u, { showtimeId: show.showtimeId, bestAvailable: { count: 4 } }, `best-${i}`)));
    expect(replies.map((r) => r.status)).to.deep.equal(Array(12).fill(201));
    const blocks = replies.map(labels);
    for (const block of blocks) {
      expect(new Set(block.map((l) => l[0])).size, `${block} in one row`).to.equal(1);
      const numbers = block.map((l) => Number(l.slice(1))).sort((a, b) => a - b);
      expect(numbers[3]! - numbers[0]!, `${block} side by side`).to.equal(3);
    }
    const all = blocks.flat();
    expect(new Set(all).size, 'disjoint').to.equal(48);
    expect(await lonelySeats(show)).to.deep.equal([]);
    // The best spot is the centre, two thirds back (row G of A–J): the first blocks are there.
    expect(blocks.some((b) => b.join(' ') === 'G5 G6 G7 G8')).to.equal(true);
    expect(await startedCheckouts(show.showtimeId)).to.equal(12);
  });

  it('under contention best-available answers the losers without starting their workflows', async () => {
    const show = await createShowtime(deps.ds, { layout: ['RRRR', 'RRRR'] });
    const replies = await Promise.all(users.slice(12, 24).map((u, i) => hold(u, { showtimeId: show.showtimeId, bestAvailable: { count: 4 } }, `scarce-${i}`)));
    const winners = replies.filter((r) => r.status === 201);
    expect(winners).to.have.length(2);
    for (const r of replies.filter((x) => x.status !== 201)) {
      expect(r.status).to.equal(409);
      expect(r.body.error.code).to.equal('SEATS_UNAVAILABLE');
    }
    expect(new Set(winners.flatMap(labels)).size).to.equal(8);
    expect(await startedCheckouts(show.showtimeId), 'a workflow per winner, none per loser').to.equal(2);
    const none = await hold(users[24]!, { showtimeId: show.showtimeId, bestAvailable: { count: 2 } });
    expect(none.status).to.equal(409);
    expect(none.body.error.details.reason).to.match(/no 2 seats free side by side/);
  });

  it('best-available keeps wheelchair spaces for those who ask for them, with the companion seat beside', async () => {
    const show = await createShowtime(deps.ds, { layout: ['RRRR', 'ACRR'] });
    const plain = await hold(users[25]!, { showtimeId: show.showtimeId, bestAvailable: { count: 2 } });
    expect(labels(plain)).to.not.include('B1');
    const wheelchair = await hold(users[26]!, { showtimeId: show.showtimeId, bestAvailable: { count: 2, accessible: true } });
    expect(wheelchair.status).to.equal(201);
    expect(labels(wheelchair).sort()).to.deep.equal(['B1', 'B2']);
  });

  it('a hold that strands a single seat gets 422 SINGLE_SEAT_GAP naming it; a clean hold gets 201', async () => {
    const show = await createShowtime(deps.ds, { layout: ['RRRR.RRRR'] });
    const [a1, a2, a3] = show.seatIds as [number, number, number];
    const stranding = await hold(users[0]!, { showtimeId: show.showtimeId, seatIds: [a2] });
    expect(stranding.status).to.equal(422);
    expect(stranding.body.error).to.deep.include({ code: 'SINGLE_SEAT_GAP', details: { seatIds: [a1] } });
    expect(await startedCheckouts(show.showtimeId), 'refused before any workflow').to.equal(0);
    expect((await seatStatuses(deps.ds, [a1, a2])).map((s) => s.status)).to.deep.equal(['available', 'available']);
    const clean = await hold(users[0]!, { showtimeId: show.showtimeId, seatIds: [a1, a2] });
    expect(clean.status).to.equal(201);
    // Three of the four remaining would strand the fourth whatever the choice: allowed.
    const unavoidable = await hold(users[1]!, { showtimeId: show.showtimeId, seatIds: show.seatIds.slice(4, 7) });
    expect(unavoidable.status).to.equal(201);
    expect(a3).to.be.a('number');
  });

  it('a companion seat alone is refused; with its wheelchair space it is held; close to the show it sells on its own', async () => {
    const show = await createShowtime(deps.ds, { layout: ['ACRR'] });
    const [wheelchair, companion] = show.seatIds as [number, number];
    const alone = await hold(users[2]!, { showtimeId: show.showtimeId, seatIds: [companion] });
    expect(alone.status).to.equal(422);
    expect(alone.body.error.details).to.deep.include({ reason: 'companion-seat', seatIds: [companion] });
    const together = await hold(users[2]!, { showtimeId: show.showtimeId, seatIds: [wheelchair, companion] });
    expect(together.status).to.equal(201);

    const later = await createShowtime(deps.ds, { layout: ['CRRR'] });
    expect((await hold(users[3]!, { showtimeId: later.showtimeId, seatIds: [later.seatIds[0]!] })).status).to.equal(422);
    const soon = await createShowtime(deps.ds, { layout: ['CRRR'], startsInMinutes: 30 });
    const released = await hold(users[3]!, { showtimeId: soon.showtimeId, seatIds: [soon.seatIds[0]!] });
    expect(released.status, 'within COMPANION_RELEASE_MINUTES of the show').to.equal(201);
  });

  it('extension: once, it moves the hold, the seats and the timer together; a second one gets 409', async () => {
    const show = await createShowtime(deps.ds, { layout: ['RRRR'] });
    const held = await hold(users[4]!, { showtimeId: show.showtimeId, seatIds: show.seatIds.slice(0, 2) });
    expect(held.status).to.equal(201);
    const id = held.body.checkoutId as string;
    const extend = () => api.request('POST', `/api/v1/checkouts/${id}/extend`, { token: users[4]!.token });
    const extended = await extend();
    expect(extended.status).to.equal(200);
    const moved = Date.parse(extended.body.expiresAt) - Date.parse(held.body.expiresAt);
    expect(moved).to.equal(HOLD_EXTENSION_SECONDS * 1000);
    const [booking] = await deps.ds.query('SELECT hold_expires_at FROM bookings WHERE id = ?', [id]);
    expect(booking.hold_expires_at.toISOString()).to.equal(extended.body.expiresAt);
    const seats: { held_until: Date }[] = await deps.ds.query('SELECT held_until FROM show_seats WHERE checkout_id = ?', [id]);
    expect(seats.map((s) => s.held_until.toISOString())).to.deep.equal([extended.body.expiresAt, extended.body.expiresAt]);
    const state = await deps.temporal.workflow.getHandle(id).query('status');
    expect(state).to.include({ expiresAt: extended.body.expiresAt });
    const again = await extend();
    expect(again.status).to.equal(409);
    expect(again.body.error.code).to.equal('CONFLICT');
    const stranger = await api.request('POST', `/api/v1/checkouts/${id}/extend`, { token: users[5]!.token });
    expect(stranger.status).to.equal(404);
    await api.request('POST', `/api/v1/checkouts/${id}/cancel`, { token: users[4]!.token, body: {} });
    expect((await extend()).status, 'after it closed').to.equal(409);
  });
});
