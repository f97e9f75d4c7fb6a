import { createHmac, timingSafeEqual } from 'node:crypto';

/** Standard Webhooks: a timestamp more than this far from now (either way) is refused. */
export const SIGNATURE_TOLERANCE_SECONDS = 5 * 60;

export interface SignatureHeaders {
  id: string | undefined;
  timestamp: string | undefined;
  signature: string | undefined;
}

/** `whsec_<base64>`: the key is the decoded base64 part. */
function keyOf(secret: string): Buffer {
  return Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64');
}

/** `v1,<base64 HMAC-SHA256 of "id.timestamp.body">` for this secret. */
export function sign(secret: string, id: string, timestamp: string, body: Buffer): string {
  const mac = createHmac('sha256', keyOf(secret)).update(`${id}.${timestamp}.`).update(body).digest('base64');
  return `v1,${mac}`;
}

/** Compares without leaking timing and without throwing on a length mismatch. */
function sameBytes(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Why the request's signature is not acceptable, or undefined when it is: one `v1,` signature
 * of the space-separated list must match one of the secrets (several during rotation), over the
 * raw bytes received, with a timestamp within five minutes of now.
 */
export function signatureProblem(headers: SignatureHeaders, body: Buffer, secrets: readonly string[], now: Date): string | undefined {
  const { id, timestamp, signature } = headers;
  if (!id || !timestamp || !signature) return 'webhook-id, webhook-timestamp and webhook-signature headers are required';
  if (!/^\d{1,12}$/.test(timestamp)) return 'webhook-timestamp must be whole seconds since the epoch';
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > SIGNATURE_TOLERANCE_SECONDS) {
    return 'webhook-timestamp is more than 5 minutes from now';
  }
  const offered = signature.split(' ').filter((part) => part.startsWith('v1,'));
  const expected = secrets.map((secret) => sign(secret, id, timestamp, body));
  return offered.some((o) => expected.some((e) => sameBytes(o, e))) ? undefined : 'no signature matches';
}
