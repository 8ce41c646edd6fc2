import { expect } from 'chai';
import { newCheckoutId } from '../../../core/ids.js';
import { createTestDeps, type TestDeps } from '../../support/deps.js';
import { createShowtime, createUser, type ShowtimeFixture, type TestUser } from '../../support/fixtures.js';
import { startMailCatcher, type MailCatcher } from '../../support/mail.js';
import { testActivities } from '../../support/worker.js';

/**
 * The email steps themselves (no workflow): a confirmed booking made with
 * the real seat steps, then its confirmation sent through real SMTP servers.
 */
describe('email outbox: at most one email per booking and kind (real MySQL, SMTP)', function () {
  this.timeout(60_000);
  let deps: TestDeps;
  let show: ShowtimeFixture;
  let mail: MailCatcher;
  let next = 0;

  before(async () => {
    deps = await createTestDeps('mail_outbox');
    show = await createShowtime(deps.ds);
    mail = await startMailCatcher();
  });
  after(async () => {
    await mail?.stop();
    await deps?.close();
  });

  const activitiesSendingTo = (smtpUrl: string) => testActivities(deps, { smtpUrl });

  /** A CONFIRMED booking of one seat, made with the checkout's own steps. */
  async function confirmed(user: TestUser): Promise<string> {
    const steps = activitiesSendingTo(mail.smtpUrl);
    const checkoutId = newCheckoutId();
    await steps.reserveSeats({ checkoutId, userId: user.id, showtimeId: show.showtimeId, seatIds: [show.seatIds[next++]!], idempotencyKey: null });
    await steps.confirmSeats({ checkoutId, showtimeId: show.showtimeId });
    return checkoutId;
  }
  const outbox = async (bookingId: string) =>
    (await deps.ds.query("SELECT status, attempts, last_error FROM notifications WHERE booking_id = ? AND kind = 'booking_confirmed'", [bookingId]))[0];

  it('five attempts at once (retries, a second worker) send one email: one claims, the others wait for it', async () => {
    const user = await createUser(deps);
    const bookingId = await confirmed(user);
    const steps = activitiesSendingTo(mail.smtpUrl);
    const attempts = await Promise.allSettled(Array.from({ length: 5 }, () => steps.sendConfirmation({ checkoutId: bookingId })));
    const settled = attempts.filter((a) => a.status === 'fulfilled');
    expect(settled.length).to.be.at.least(1);
    // An attempt that found the row claimed fails retryably, to come back when the claim has ended.
    for (const a of attempts) if (a.status === 'rejected') expect(String(a.reason)).to.match(/being sent by another attempt|claimed by another attempt/);
    await steps.sendConfirmation({ checkoutId: bookingId });
    expect(await mail.to(user.email)).to.have.length(1);
    expect(await outbox(bookingId)).to.deep.include({ status: 'sent', attempts: 1 });
  });

  it('a mail server that refuses for good (5xx) ends the row failed: the step completes and nothing is sent again', async () => {
    const strict = await startMailCatcherRequiringLogin();
    try {
      const user = await createUser(deps);
      const bookingId = await confirmed(user);
      const steps = activitiesSendingTo(strict.smtpUrl);
      await steps.sendConfirmation({ checkoutId: bookingId });
      const row = await outbox(bookingId);
      expect(row).to.deep.include({ status: 'failed', attempts: 1 });
      expect(row.last_error).to.match(/^5\d\d/);
      await activitiesSendingTo(mail.smtpUrl).sendConfirmation({ checkoutId: bookingId });
      expect(await outbox(bookingId)).to.deep.include({ status: 'failed', attempts: 1 });
      expect(await mail.to(user.email)).to.deep.equal([]);
      expect(await strict.received()).to.deep.equal([]);
    } finally {
      await strict.stop();
    }
  });

  it('an unreachable mail server leaves the row pending and the step retryable; it is sent once the server answers', async () => {
    const user = await createUser(deps);
    const bookingId = await confirmed(user);
    const down = await startMailCatcher();
    const smtpUrl = down.smtpUrl;
    await down.stop();
    const err = await activitiesSendingTo(smtpUrl)
      .sendConfirmation({ checkoutId: bookingId })
      .then(
        () => null,
        (e: unknown) => e as { type?: string; nonRetryable?: boolean },
      );
    expect(err).to.deep.include({ type: 'SERVICE_UNAVAILABLE', nonRetryable: false });
    const row = await outbox(bookingId);
    expect(row).to.deep.include({ status: 'pending', attempts: 0 });
    expect(row.last_error).to.match(/^mail server unreachable/);
    await activitiesSendingTo(mail.smtpUrl).sendConfirmation({ checkoutId: bookingId });
    expect(await mail.to(user.email)).to.have.length(1);
    expect(await outbox(bookingId)).to.deep.include({ status: 'sent', attempts: 1 });
  });
});

/** MailDev asking every client to log in: a client without a login is refused with a 5xx. */
async function startMailCatcherRequiringLogin(): Promise<MailCatcher> {
  return startMailCatcher(undefined, { incomingUser: 'someone', incomingPass: 'secret' });
}
