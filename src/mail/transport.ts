import fs from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { Config } from '../config.js';

/** One outbox row as the sender reads it. */
export interface OutboxMail {
  id: number;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string | null;
  message_id: string;
  attempts: number;
  claim_token: string;
}

export interface Mailer {
  /** Where mail goes, for the start-up log. */
  readonly description: string;
  send(mail: OutboxMail): Promise<void>;
  close(): void;
}

function message(from: string, mail: OutboxMail) {
  return {
    from,
    to: mail.to_address,
    subject: mail.subject,
    text: mail.text_body,
    html: mail.html_body ?? undefined,
    // Stable per outbox row: a resend after a crash is recognisably the same mail.
    messageId: mail.message_id,
  };
}

/** SMTP with a small pool of connections (SMTP_URL), so a batch does not reconnect per mail. */
function smtpMailer(url: string, from: string): Mailer {
  const transport = nodemailer.createTransport({ url, pool: true, maxConnections: 4, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 });
  const { host, port } = new URL(url);
  return {
    description: `SMTP at ${host}${port ? ':' + port : ''}`,
    async send(mail) {
      await transport.sendMail(message(from, mail));
    },
    close: () => transport.close(),
  };
}

/** Without SMTP_URL: each mail as an .eml file, written whole (temp file, then rename). */
function fileMailer(dir: string, from: string): Mailer {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    description: `.eml files in ${path.resolve(dir)}`,
    async send(mail) {
      const info = await transport.sendMail(message(from, mail));
      await fs.mkdir(dir, { recursive: true });
      const file = path.join(dir, `${String(mail.id).padStart(8, '0')}.eml`);
      await fs.writeFile(file + '.tmp', info.message as Buffer);
      await fs.rename(file + '.tmp', file);
    },
    close: () => transport.close(),
  };
}

export function createMailer(config: Pick<Config, 'smtpUrl' | 'mailFrom' | 'mailDir'>): Mailer {
  return config.smtpUrl ? smtpMailer(config.smtpUrl, config.mailFrom) : fileMailer(config.mailDir, config.mailFrom);
}

/** An SMTP 5xx answer: the server will never take this mail, so trying again is pointless. */
export function isPermanentFailure(err: unknown): boolean {
  const code = (err as { responseCode?: unknown } | null)?.responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}
