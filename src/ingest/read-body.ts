import type { CaseInput, CasePatch, MessageInput } from '../cases/inputs.js';
import { decideByRules, type RulesDecision } from '../classification/rules.js';
import { descriptionOf } from '../cases/rows.js';
import { ValidationError } from '../errors.js';
import { validate } from '../validation.js';
import { parseJsonBody } from './parse-body.js';
import { toCaseInput, toCasePatch, toMessageInput, type CaseBody, type MessageBody, type PatchBody } from './payload.js';

/** The routes that carry a body. */
export type BodyRoute = 'PUT /v1/case' | 'PUT /v1/case/messages' | 'POST /v1/case/messages' | 'PATCH /v1/case/{caseUid}';

/** A body as the domain takes it: validated and normalised (plain text, unique tags, UTC times). */
export type IngestBody =
  | { kind: 'case'; input: CaseInput; messages: MessageInput[]; byRules: RulesDecision }
  | { kind: 'message'; caseUid: string; message: MessageInput }
  | { kind: 'patch'; patch: CasePatch };

/**
 * What reading a body gave. `caseUid` is the one the body names, when it names one, even if the
 * body is refused: the ingest log files a refusal under its case.
 */
export type BodyReading = { caseUid: string | null } & ({ body: IngestBody } | { refusal: ValidationError });

function normalised(route: BodyRoute, json: unknown): IngestBody {
  if (route === 'PUT /v1/case' || route === 'PUT /v1/case/messages') {
    const withList = route === 'PUT /v1/case';
    const valid = validate<CaseBody>(withList ? 'ingest-case.json' : 'ingest-case-message.json', json);
    const input = toCaseInput(valid);
    const messages = withList ? valid.messages!.map((m, i) => toMessageInput(m, `messages.${i}`)) : [toMessageInput(valid.message!, 'message')];
    // Read for the classifier here, beside the event loop, in case the case is new. (For an
    // update the reading goes unused: a cost the body thread can bear better than the loop.)
    const byRules = decideByRules(input.subject, descriptionOf(messages) ?? '');
    return { kind: 'case', input, messages, byRules };
  }
  if (route === 'POST /v1/case/messages') {
    const valid = validate<MessageBody & { caseUid: string }>('ingest-message.json', json);
    return { kind: 'message', caseUid: valid.caseUid, message: toMessageInput(valid, 'body') };
  }
  return { kind: 'patch', patch: toCasePatch(validate<PatchBody>('ingest-case-patch.json', json)) };
}

/**
 * Parses, validates and normalises one request body: pure CPU work with no database, so it can
 * run on a worker thread (src/ingest/body-readers.ts). Refusals come back as values; anything
 * else thrown is a fault.
 */
export function readBody(route: BodyRoute, raw: Uint8Array): BodyReading {
  let caseUid: string | null = null;
  try {
    const json = parseJsonBody(raw);
    const offered = (json as { caseUid?: unknown } | null)?.caseUid;
    if (typeof offered === 'string') caseUid = offered;
    return { caseUid, body: normalised(route, json) };
  } catch (err) {
    if (err instanceof ValidationError) return { caseUid, refusal: err };
    throw err;
  }
}
