import type { Knex } from 'knex';
import { countUpTo } from '../db/count.js';
import { ShortMemory } from '../db/short-memory.js';
import { isStaff, visibleTo, type Actor } from '../tickets/actor.js';
import { ticketWords } from './ticket-words.js';
import { holdsAll, searchTerms } from './words.js';

/**
 * A search whose rarest term has more index entries than this is "common": a page of it is
 * found by walking the list in its order and probing each ticket's words, since a twentieth of
 * the desk or more matches. Rarer searches gather their few tickets from the word index first.
 */
const COMMON_TERM_ENTRIES = 20_000;
/** Marked tickets read per round when searching their own text. */
const PENDING_CHUNK = 500;
/** Above every character: `word < term + AFTER_ALL` bounds the words starting with `term`. */
const AFTER_ALL = '\u{10FFFF}';

/** A search, ready to narrow a ticket query: its terms, and the marked tickets it matched. */
export interface TicketSearch {
  terms: string[];
  /** Only words a customer may read count: the subject, the description and public messages. */
  publicOnly: boolean;
  /** Tickets not yet (re)indexed whose own text holds every term. */
  pendingMatches: number[];
  /** Every term is in more than COMMON_TERM_ENTRIES tickets' words. */
  common: boolean;
}

/** Of the tickets marked for indexing that the actor may see, those whose own text holds every term. */
async function matchPending(db: Knex, terms: string[], actor: Actor, publicOnly: boolean): Promise<number[]> {
  const matches: number[] = [];
  for (let after = 0; ; ) {
    const tickets = (await visibleTo(db('search_pending').join('cases', 'cases.id', 'search_pending.case_id'), actor)
      .where('search_pending.case_id', '>', after)
      .orderBy('search_pending.case_id')
      .limit(PENDING_CHUNK)
      .pluck('cases.id')) as number[];
    if (tickets.length === 0) return matches;
    for (const [id, words] of await ticketWords(db, tickets)) {
      const readable = [...words].filter(([, visible]) => visible || !publicOnly).map(([word]) => word);
      if (holdsAll(readable, terms)) matches.push(id);
    }
    after = Number(tickets[tickets.length - 1]);
  }
}

/**
 * `q` of GET /tickets: the tickets holding every word of it (or a longer word it starts), in
 * the subject, the description or any message the asker may read. Customers' searches never
 * see internal notes' words: they would learn them by probing.
 */
export async function planSearch(db: Knex, q: string, actor: Actor): Promise<TicketSearch> {
  const terms = searchTerms(q);
  const publicOnly = !isStaff(actor);
  const [pendingMatches, common] = await Promise.all([matchPending(db, terms, actor, publicOnly), isCommon(db, terms, publicOnly)]);
  return { terms, publicOnly, pendingMatches, common };
}

/**
 * Whether a term is common, remembered for a minute: it only picks how a page is found (both
 * ways find the same tickets), and counting up to COMMON_TERM_ENTRIES index entries cost about
 * as much as the page itself.
 */
const commonTerms = new ShortMemory<boolean>(60_000);

async function isCommonTerm(db: Knex, term: string, publicOnly: boolean): Promise<boolean> {
  const key = `${publicOnly ? 'public' : 'all'} ${term}`;
  let common = commonTerms.recall(db, key);
  if (common === undefined) {
    common = (await countUpTo(db, wordRange(db('search_words'), term, publicOnly), COMMON_TERM_ENTRIES + 1)) > COMMON_TERM_ENTRIES;
    commonTerms.remember(db, key, common);
  }
  return common;
}

/** Whether even the rarest term has more than COMMON_TERM_ENTRIES entries. */
async function isCommon(db: Knex, terms: string[], publicOnly: boolean): Promise<boolean> {
  const common = await Promise.all(terms.map((term) => isCommonTerm(db, term, publicOnly)));
  return common.every(Boolean);
}

/** Narrows a query on `search_words` to the words starting with `term`. */
function wordRange(query: Knex.QueryBuilder, term: string, publicOnly: boolean): Knex.QueryBuilder {
  query.where('search_words.word', '>=', term).where('search_words.word', '<', term + AFTER_ALL);
  return publicOnly ? query.where('search_words.public', true) : query;
}

/** The ids of indexed tickets with a word starting with `term`. */
function startingWith(db: Knex, term: string, publicOnly: boolean): Knex.QueryBuilder {
  return wordRange(db('search_words').distinct('case_id'), term, publicOnly);
}

/**
 * Narrows `query` (on `cases`) to the search's tickets: from the word index, every term's
 * tickets intersected, leaving out the marked ones (their indexed words may be stale), plus the
 * marked ones that matched on their own text. Joined as one set of ids, so that `cases` is
 * never read whole.
 */
export function joinSearch(db: Knex, query: Knex.QueryBuilder, search: TicketSearch): void {
  const [first, ...rest] = search.terms.map((term) => startingWith(db, term, search.publicOnly));
  const indexed = db.select('h0.case_id').from(first!.as('h0'));
  rest.forEach((hits, i) => indexed.join(hits.as(`h${i + 1}`), `h${i + 1}.case_id`, 'h0.case_id'));
  indexed.whereNotExists(db('search_pending').select(db.raw('1')).whereRaw('search_pending.case_id = h0.case_id'));
  const hits = search.pendingMatches.length > 0 ? indexed.union(db('cases').select('id as case_id').whereIn('id', search.pendingMatches)) : indexed;
  query.join(hits.as('search_hits'), 'search_hits.case_id', 'cases.id');
}

/**
 * Narrows `query` (on `cases`) to the search's tickets ticket by ticket: for each ticket the
 * list reaches in its order, one look into its own words per term (the key starts with the
 * ticket). For a common search, where the page is found after a few dozen tickets. Scalar
 * subqueries, not EXISTS: MariaDB would turn an EXISTS back into gathering every match first.
 */
export function probeSearch(db: Knex, query: Knex.QueryBuilder, search: TicketSearch): void {
  query.where((either) => {
    either.where((indexed) => {
      indexed.whereRaw('(SELECT 1 FROM search_pending WHERE search_pending.case_id = cases.id) IS NULL');
      for (const term of search.terms) {
        const probe = wordRange(db('search_words').select(db.raw('1')).whereRaw('search_words.case_id = cases.id'), term, search.publicOnly).limit(1);
        indexed.whereRaw('(?) IS NOT NULL', [probe]);
      }
    });
    if (search.pendingMatches.length > 0) either.orWhereIn('cases.id', search.pendingMatches);
  });
}
