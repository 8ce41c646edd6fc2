import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { MailDev } from 'maildev';
import { freePort } from './processes.js';

/**
 * A real SMTP server for the tests: MailDev, in this process, on a free port,
 * keeping what it receives in its own folder. Every mocha run starts one
 * (`mochaGlobalSetup` below, registered in .mocharc.json) and points the test
 * config's SMTP_URL at it; a test that needs a server of its own (one that
 * starts late, say) starts another.
 */

export interface ReceivedMail {
  id: string;
  to: string[];
  subject: string;
  /** The message as the server stored it, parsed (headers, text, html, attachments with their bytes). */
  parsed(): Promise<ParsedMail>;
}

export interface MailCatcher {
  port: number;
  smtpUrl: string;
  /** Everything received so far, oldest first. */
  received(): Promise<ReceivedMail[]>;
  /** What was sent to `address`, oldest first. */
  to(address: string): Promise<ReceivedMail[]>;
  /** Waits (up to `ms`) until `count` messages to `address` have arrived, and returns them. */
  waitFor(address: string, count?: number, ms?: number): Promise<ReceivedMail[]>;
  /** Runs `fn` inside the server as each message is stored, before the server answers the sender. */
  onMessage(fn: (to: string[]) => void): () => void;
  stop(): Promise<void>;
}

export async function startMailCatcher(port?: number, login?: { incomingUser: string; incomingPass: string }): Promise<MailCatcher> {
  const dir = mkdtempSync(path.join(tmpdir(), 'marquee-mail-'));
  const smtpPort = port ?? (await freePort());
  const maildev = new MailDev({ smtp: smtpPort, ip: '127.0.0.1', disableWeb: true, silent: true, mailDirectory: dir, ...login });
  const { smtp, storage } = await maildev.start();
  const view = (m: { id: string; to: { address: string }[]; envelope: { to: { address: string }[] }; subject: string; source: string }): ReceivedMail => ({
    id: m.id,
    to: m.envelope.to.map((a) => a.address.toLowerCase()),
    subject: m.subject,
    parsed: async () => simpleParser(await readFile(m.source), { keepCidLinks: true }),
  });
  const received = async () => (await storage.getAll()).sort((a, b) => a.time.getTime() - b.time.getTime()).map(view);
  const to = async (address: string) => (await received()).filter((m) => m.to.includes(address.toLowerCase()));
  return {
    port: smtpPort,
    smtpUrl: `smtp://127.0.0.1:${smtpPort}`,
    received,
    to,
    async waitFor(address, count = 1, ms = 30_000) {
      const deadline = Date.now() + ms;
      for (;;) {
        const got = await to(address);
        if (got.length >= count) return got;
        if (Date.now() > deadline) throw new Error(`${got.length} of ${count} messages to ${address} after ${ms} ms`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    onMessage(fn) {
      const listener = (email: { envelope: { to: { address: string }[] } }) => fn(email.envelope.to.map((a) => a.address.toLowerCase()));
      smtp.on('new', listener);
      return () => smtp.off('new', listener);
    },
    async stop() {
      await maildev.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

let shared: MailCatcher | undefined;

/** The mail server of this mocha run (the one the test config's SMTP_URL names). */
export function sharedMailCatcher(): MailCatcher {
  if (!shared) throw new Error('no mail catcher: mocha runs test/support/mail.ts as a global fixture (.mocharc.json "require")');
  return shared;
}

export async function mochaGlobalSetup(): Promise<void> {
  shared = await startMailCatcher();
  process.env.TEST_SMTP_URL = shared.smtpUrl;
}

export async function mochaGlobalTeardown(): Promise<void> {
  await shared?.stop();
}
