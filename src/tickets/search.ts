import type { Knex } from 'knex';
import { isMysql } from '../db/dialect.js';
import { likeContaining } from '../db/like.js';
import { isStaff, type Actor } from './actor.js';

// InnoDB's full-text index skips words shorter than innodb_ft_min_token_size (3) and these
// stopwords; a `+word` the index never holds would match nothing, so such words are left to LIKE.
const MIN_INDEXED_LENGTH = 3;
const INNODB_STOPWORDS = new Set('a about an are as at be by com de en for from how i in is it la of on or that the this to was what when where who will with und www'.split(' '));

/** The words of `q`; text with no letters or digits at all is one literal word. */
function wordsOf(q: string): string[] {
  const words = q.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  return words.length > 0 ? words : [q];
}

/** Internal notes are searched for staff only: a customer must not learn their words by probing. */
function searchableMessages(query: Knex.QueryBuilder, actor: Actor): Knex.QueryBuilder {
  query.whereNull('messages.deleted_at');
  if (!isStaff(actor)) query.where('messages.visibility', 'public');
  return query;
}

function allLike(query: Knex.QueryBuilder, column: string, words: readonly string[]): void {
  for (const word of words) query.whereRaw(`${column} LIKE ? ESCAPE '!'`, [likeContaining(word)]);
}

/** Every word anywhere in the subject or in one message: reads every row, so only for SQLite or unindexable words. */
function whereContainsAll(query: Knex.QueryBuilder, words: readonly string[], actor: Actor): void {
  query.where((either) =>
    either
      .where((subject) => allLike(subject, 'cases.subject', words))
      .orWhereExists((sub) => {
        sub.select(sub.client.raw('1')).from('messages').whereRaw('messages.case_id = cases.id');
        searchableMessages(sub, actor);
        allLike(sub, 'messages.content', words);
      }),
  );
}

/**
 * MySQL's full-text indexes: the tickets whose subject, or one of whose messages, holds every
 * word (or a word starting with it), gathered as a set of ids and joined, so that neither
 * `cases` nor `messages` is read whole.
 */
function joinFullTextMatches(db: Knex, query: Knex.QueryBuilder, words: readonly string[], actor: Actor): void {
  const expression = words.map((word) => `+${word}*`).join(' ');
  const inSubjects = db('cases').select('cases.id as case_id').whereRaw('MATCH (cases.subject) AGAINST (? IN BOOLEAN MODE)', [expression]);
  const inMessages = searchableMessages(db('messages').select('messages.case_id').whereRaw('MATCH (messages.content) AGAINST (? IN BOOLEAN MODE)', [expression]), actor);
  query.join(inSubjects.union(inMessages).as('search_hits'), 'search_hits.case_id', 'cases.id');
}

/**
 * `q` of GET /tickets: every word of it in the subject or in one message. On MySQL through the
 * full-text indexes (a word matches itself and longer words it starts), falling back to
 * substrings only when no word of q is indexable; on SQLite as substrings.
 */
export function applySearch(db: Knex, query: Knex.QueryBuilder, q: string, actor: Actor): void {
  const words = wordsOf(q);
  const indexable = words.filter((word) => word.length >= MIN_INDEXED_LENGTH && !INNODB_STOPWORDS.has(word));
  if (isMysql(db) && indexable.length > 0) joinFullTextMatches(db, query, indexable, actor);
  else whereContainsAll(query, words, actor);
}
