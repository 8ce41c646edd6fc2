import { expect } from 'chai';
import { MOCK_CARDS } from '../../../payments/mock-provider.js';
import { createTestDeps, type TestDeps } from '../../support/deps.js';
import { createShowtime, createUser, eventually, type ShowtimeFixture, type TestUser } from '../../support/fixtures.js';
import { startTestApi, type TestApi } from '../../support/http.js';
import { startMailCatcher, type MailCatcher } from '../../support/mail.js';
import { freePort, spawnWorker, type ServiceProcess } from '../../support/processes.js';

/**
 * The confirmation email across a worker SIGKILL, with the real worker as a
 * child process (worker/main.ts) and a real SMTP server, at the two points
 * that matter: after the mail server has taken the message but before the
 * worker could record it (a resend would be a duplicate), and after the
 * booking is confirmed but before any email went out (no send would lose it).
 */
describe('confirmation email across a worker crash', function () {
  this.timeout(180_000);
  let deps: TestDeps;
  let api: TestApi;
  let show: ShowtimeFixture;
  const workers: ServiceProcess[] = [];
  const catchers: MailCatcher[] = [];

  before(async () => {
    // A send is abandoned after 1 s, so a dead sender's claim runs out 6 s after it was taken.
    deps = await createTestDeps('mail_crash', { config: { MAIL_SEND_TIMEOUT_SECONDS: '1' } });
    api = await startTestApi(deps);
    show = await createShowtime(deps.ds);
  });
  // Each test's workers poll the suite's task queue: none may outlive its test.
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.kill('SIGKILL')));
    await Promise.all(catchers.splice(0).map((c) => c.stop()));
  });
  after(async () => {
    await api?.close();
    await deps?.close();
  });

  const worker = async (smtpUrl: string) => {
    const w = await spawnWorker(deps.config, { SMTP_URL: smtpUrl });
    workers.push(w);
    return w;
  };
  const catcher = async (port?: number) => {
    const c = await startMailCatcher(port);
    catchers.push(c);
    return c;
  };
  /** Holds and pays; the pay request may answer before the checkout has finished (202). */
  const buy = async (user: TestUser, seatId: number): Promise<string> => {
    const held = await api.request('POST', '/api/v1/checkouts', { token: user.token, body: { showtimeId: show.showtimeId, seatIds: [seatId] } });
    expect(held.status, JSON.stringify(held.body)).to.equal(201);
    const paid = await api.request('POST', `/api/v1/checkouts/${held.body.checkoutId}/pay`, { token: user.token, body: { card: MOCK_CARDS.succeeds } });
    expect(paid.status).to.be.oneOf([200, 202]);
    return held.body.checkoutId;
  };
  const outbox = async (bookingId: string) =>
    (await deps.ds.query("SELECT status, attempts, last_error FROM notifications WHERE booking_id = ? AND kind = 'booking_confirmed'", [bookingId]))[0] as
      | { status: string; attempts: number; last_error: string | null }
      | undefined;
  const finalStatus = async (bookingId: string) => (await deps.temporal.workflow.getHandle(bookingId).result()).status;

  it('killed after the mail server took the message, before the worker heard: the new worker sends nothing again', async () => {
    const user = await createUser(deps);
    const mail = await catcher();
    const first = await worker(mail.smtpUrl);
    // Runs inside the SMTP server as it stores the message, before it answers "250": the
    // worker is killed with the message delivered and no reply read.
    const stopListening = mail.onMessage((to) => {
      if (to.includes(user.email)) first.child.kill('SIGKILL');
    });
    const bookingId = await buy(user, show.seatIds[0]!);
    expect(await first.exited).to.equal(null);
    stopListening();
    expect(await mail.to(user.email)).to.have.length(1);
    expect(await outbox(bookingId)).to.deep.include({ status: 'sending', attempts: 1 });

    await worker(mail.smtpUrl);
    expect(await finalStatus(bookingId)).to.equal('CONFIRMED');
    expect(await mail.to(user.email)).to.have.length(1);
    expect(await outbox(bookingId)).to.deep.include({ status: 'unknown', attempts: 1 });
  });

  it('killed after the booking was confirmed, before any email went out: the new worker sends it once', async () => {
    const user = await createUser(deps);
    const port = await freePort();
    const smtpUrl = `smtp://127.0.0.1:${port}`;
    // Nothing listens there yet: every try fails before a byte of the message is sent.
    const first = await worker(smtpUrl);
    const bookingId = await buy(user, show.seatIds[1]!);
    const tried = await eventually(async () => {
      const row = await outbox(bookingId);
      return row?.last_error?.startsWith('mail server unreachable') ? row : undefined;
    }, 30_000);
    expect(tried).to.deep.include({ status: 'pending', attempts: 0 });
    expect(await first.kill('SIGKILL')).to.equal(null);

    const mail = await catcher(port);
    await worker(smtpUrl);
    expect(await finalStatus(bookingId)).to.equal('CONFIRMED');
    const [message, ...more] = await mail.waitFor(user.email);
    expect(more).to.deep.equal([]);
    expect((await message!.parsed()).messageId).to.equal(`<booking_confirmed.${bookingId}@marquee.local>`);
    expect(await outbox(bookingId)).to.deep.include({ status: 'sent', attempts: 1 });
  });
});
