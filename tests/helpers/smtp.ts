import type { AddressInfo } from 'node:net';
import PostalMime from 'postal-mime';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  to: string[];
  messageId: string;
  subject: string;
  text: string;
  html: string;
}

/** How the server answers the next mails: take them, or refuse for now (4xx) or for good (5xx). */
export type SmtpMode = 'accept' | 'temporary-failure' | 'permanent-failure';

export interface TestSmtp {
  url: string;
  port: number;
  /** Every mail accepted, parsed, in order of arrival. */
  received: ReceivedMail[];
  /** Raw Message-IDs of every accepted mail (cheap, for large counts). */
  messageIds: string[];
  mode: SmtpMode;
  close(): Promise<void>;
}

/** A real SMTP server on a loopback port (no TLS, no auth), as the mail sender meets it in production. */
export async function startSmtp(options: { port?: number; parse?: boolean; delayMs?: number } = {}): Promise<TestSmtp> {
  const state = { received: [] as ReceivedMail[], messageIds: [] as string[], mode: 'accept' as SmtpMode };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    // Pooled client connections would otherwise hold close() for 30 s.
    closeTimeout: 100,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => void answer());
      const answer = async () => {
        if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
        if (state.mode !== 'accept') {
          const refusal = Object.assign(new Error(state.mode === 'temporary-failure' ? 'Mailbox busy, try later' : 'No such user here'), {
            responseCode: state.mode === 'temporary-failure' ? 451 : 550,
          });
          callback(refusal);
          return;
        }
        const raw = Buffer.concat(chunks);
        state.messageIds.push(/^Message-ID:\s*(\S+)/im.exec(raw.toString('latin1'))?.[1] ?? '');
        if (options.parse === false) return callback();
        void PostalMime.parse(raw).then((mail) => {
          state.received.push({
            to: session.envelope.rcptTo.map((r) => r.address),
            messageId: mail.messageId ?? '',
            subject: mail.subject ?? '',
            text: mail.text ?? '',
            html: mail.html ?? '',
          });
          callback();
        }, callback);
      };
    },
  });
  // A client killed mid-conversation resets its connection; that is the test's doing, not a failure.
  server.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'ECONNRESET') throw err;
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return Object.assign(state, {
    url: `smtp://127.0.0.1:${port}`,
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }) as TestSmtp;
}
