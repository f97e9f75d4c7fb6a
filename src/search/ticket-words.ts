import type { Knex } from 'knex';
import { wordsOf } from './words.js';

/** A ticket's search words, each with whether a customer may read it (in the subject, description or a public message). */
export type TicketWords = Map<string, boolean>;

/** A text of a ticket, and whether a customer may read it. */
export type TicketText = readonly [text: string | null, readable: boolean];

/** The words of a ticket's texts. */
export function wordsOfTexts(texts: Iterable<TicketText>, into: TicketWords = new Map()): TicketWords {
  for (const [text, readable] of texts) if (text) for (const word of wordsOf(text)) into.set(word, readable || (into.get(word) ?? false));
  return into;
}

/** The search words of each of these tickets: subject and description, and live messages. */
export async function ticketWords(db: Knex, caseIds: readonly number[]): Promise<Map<number, TicketWords>> {
  const [tickets, messages] = await Promise.all([
    db('cases').whereIn('id', caseIds).select('id', 'subject', 'description') as Promise<Array<{ id: number; subject: string; description: string | null }>>,
    db('messages').whereIn('case_id', caseIds).whereNull('deleted_at').select('case_id', 'content', 'visibility') as Promise<
      Array<{ case_id: number; content: string | null; visibility: string }>
    >,
  ]);
  const perTicket = new Map(tickets.map((row) => [Number(row.id), wordsOfTexts([[row.subject, true], [row.description, true]])]));
  for (const row of messages) {
    const words = perTicket.get(Number(row.case_id));
    if (words) wordsOfTexts([[row.content, row.visibility === 'public']], words);
  }
  return perTicket;
}
