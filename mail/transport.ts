import MailComposer, { type MailComposerOptions } from 'nodemailer/lib/mail-composer';
import SMTPConnection from 'nodemailer/lib/smtp-connection';

/**
 * Talking to the mail server (nodemailer's SMTP client), split where the
 * at-most-once delivery needs it (docs/tickets.md, Email): `open()` connects
 * and greets, and a failure there means nothing was sent; `send()` hands one
 * message over, and its outcome says whether the server took it, refused it,
 * or whether that cannot be known (the connection broke or the time ran out
 * after the data began to flow).
 */

export interface MailSettings {
  /** smtp://[user:pass@]host:port, or smtps:// for TLS from the start. */
  smtpUrl: string;
  timeoutMs: number;
}

/** A message built and ready to hand over: its bytes and its envelope. */
export interface ComposedMail {
  raw: Buffer;
  envelope: { from: string; to: string[] };
  messageId: string;
}

export type Delivery =
  | { outcome: 'sent'; response: string }
  | { outcome: 'refused'; permanent: boolean; reason: string }
  | { outcome: 'maybe-sent'; reason: string };

export interface MailSession {
  send(mail: ComposedMail): Promise<Delivery>;
  close(): void;
}

export interface Mailer {
  /** Connects, greets and logs in; throws when the server cannot be reached (nothing was sent). */
  open(): Promise<MailSession>;
}

export async function composeMail(options: MailComposerOptions): Promise<ComposedMail> {
  const node = new MailComposer(options).compile();
  const envelope = node.getEnvelope();
  return {
    raw: await node.build(),
    envelope: { from: envelope.from || '', to: envelope.to },
    messageId: node.messageId(),
  };
}

/** The error text a server refusal or a broken connection leaves, for the outbox row. */
const reasonOf = (e: unknown): string => {
  const err = e as { message?: string; response?: string };
  return err.response ?? err.message ?? String(e);
};

export function createMailer(settings: MailSettings): Mailer {
  const url = new URL(settings.smtpUrl);
  const secure = url.protocol === 'smtps:';
  const auth = url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined;
  return {
    async open() {
      const conn = new SMTPConnection({
        host: url.hostname,
        port: Number(url.port || (secure ? 465 : 587)),
        secure,
        connectionTimeout: settings.timeoutMs,
        greetingTimeout: settings.timeoutMs,
        socketTimeout: settings.timeoutMs,
      });
      // Errors after a step has answered (a late socket error) must not crash the worker.
      conn.on('error', () => undefined);
      try {
        await step(conn, (done) => conn.connect(done));
        if (auth) await step(conn, (done) => conn.login(auth, (err) => done(err ?? undefined)));
      } catch (e) {
        conn.close();
        throw e;
      }
      return {
        send: (mail) => sendOnce(conn, mail, settings.timeoutMs),
        close: () => conn.quit(),
      };
    },
  };
}

/**
 * One step of the session, as a promise. The client reports a failure to
 * connect (refused, timed out, TLS) as an 'error' event, not through the
 * step's callback, so both are listened to.
 */
function step(conn: SMTPConnection, run: (done: (err?: Error) => void) => void): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const failed = (e: Error) => reject(e);
    conn.once('error', failed);
    run((err) => {
      conn.off('error', failed);
      if (err) reject(err);
      else resolve();
    });
  });
}

function sendOnce(conn: SMTPConnection, mail: ComposedMail, timeoutMs: number): Promise<Delivery> {
  return new Promise<Delivery>((resolve) => {
    const timer = setTimeout(() => {
      conn.close();
      resolve({ outcome: 'maybe-sent', reason: `no answer from the mail server within ${timeoutMs} ms of handing the message over` });
    }, timeoutMs);
    conn.send(mail.envelope, mail.raw, (err, info) => {
      clearTimeout(timer);
      if (!err) return resolve({ outcome: 'sent', response: info?.response ?? '' });
      const code = (err as { responseCode?: number }).responseCode;
      // The server answered with a refusal: it did not take the message.
      if (code !== undefined && code >= 400) return resolve({ outcome: 'refused', permanent: code >= 500, reason: reasonOf(err) });
      resolve({ outcome: 'maybe-sent', reason: reasonOf(err) });
    });
  });
}
