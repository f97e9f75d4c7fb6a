/**
 * A large, realistic backlog for the tickets bench: written straight into MySQL with multi-row
 * inserts (the API would take hours for a million tickets). Old tickets are mostly closed, recent
 * ones open; priorities, categories, tags and words are skewed the way a support desk's are.
 */
import { randomUUID } from 'node:crypto';
import mysql from 'mysql2/promise';
import { toDbTime } from '../src/db/time.js';
import { wordsOfTexts, type TicketText } from '../src/search/ticket-words.js';
import { mysqlTarget } from './database.js';
import { seededRandom } from './payloads.js';

export interface SeedPlan {
  tickets: number;
  agents: number;
  customers: number;
  /** One ticket in this many has messages. */
  messagesEvery: number;
  days: number;
}

const BATCH = 2000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

// 5,000 made-up words, drawn with a long tail as real text is: a few words everywhere, most rare.
const SYLLABLES = [['ac', 'be', 'co', 'da', 'el', 'fo', 'gu', 'hi', 'in', 'jo'], ['ram', 'sel', 'tor', 'vin', 'lum', 'dex', 'pon', 'cas', 'mir', 'quo'], ['a', 'e', 'i', 'o', 'u'], ['', 'n', 'r', 's', 't', 'x', 'l', 'm', 'k', 'p']];
const VOCABULARY = SYLLABLES.reduce<string[]>((words, part) => words.flatMap((word) => part.map((syllable) => word + syllable)), ['']);
const TAGS = Array.from({ length: 40 }, (_, i) => `tag-${i}`);
const RECENT_STATUSES = ['open', 'open', 'open', 'open', 'open', 'assigned', 'assigned', 'in_progress', 'in_progress', 'in_progress', 'in_progress', 'in_progress', 'waiting', 'waiting', 'waiting', 'resolved', 'resolved', 'resolved', 'reopened', 'closed'];
const OLD_STATUSES = [...Array<string>(17).fill('closed'), 'resolved', 'rejected', 'waiting'];
const PRIORITIES = [...Array<string>(30).fill('low'), ...Array<string>(45).fill('medium'), ...Array<string>(18).fill('high'), ...Array<string>(7).fill('urgent')];
const CATEGORIES = [...Array<string>(8).fill('technical'), ...Array<string>(5).fill('billing'), ...Array<string>(5).fill('general'), ...Array<string>(2).fill('feature_request')];
const DUE_HOURS: Record<string, [number, number]> = { urgent: [1, 4], high: [4, 24], medium: [8, 72], low: [24, 168] };

const CLOCK_COLUMNS = ['first_response_due_at', 'resolution_due_at', 'first_response_at', 'finished_at', 'resolved_at', 'closed_at', 'sla_paused_at', 'first_response_breached_at', 'resolution_breached_at'];

/**
 * The SLA columns of a seeded ticket, in CLOCK_COLUMNS order: most are answered and finished in
 * time, about a quarter late; a breach is recorded as the \`sla\` job would have.
 */
function slaClocks(random: () => number, createdMs: number, status: string, firstHours: number, resolveHours: number, now: number): Array<string | null> {
  const at = (ms: number | null) => (ms === null ? null : toDbTime(new Date(ms)));
  const firstDue = createdMs + firstHours * HOUR;
  const resolutionDue = createdMs + resolveHours * HOUR;
  const finished = ['resolved', 'closed', 'rejected'].includes(status);
  const answered = status !== 'open' && random() < 0.95 ? createdMs + random() * 1.3 * (firstDue - createdMs) : null;
  const firstResponse = answered !== null && answered < now ? answered : null;
  const finishedAt = finished ? Math.min(now, createdMs + random() * 1.3 * (resolutionDue - createdMs)) : null;
  const paused = status === 'waiting' ? Math.min(now, (firstResponse ?? createdMs) + HOUR) : null;
  const firstBreached = (firstResponse ?? finishedAt ?? now) > firstDue ? firstDue : null;
  const resolutionBreached = (finishedAt ?? paused ?? now) > resolutionDue ? resolutionDue : null;
  return [
    at(firstDue), at(resolutionDue), at(firstResponse), at(finishedAt), at(status === 'rejected' ? null : finishedAt),
    at(status === 'closed' ? finishedAt : null), at(paused), at(firstBreached), at(resolutionBreached),
  ];
}

/** A word of middling frequency: in about 2,000 subjects and 2,500 messages of a million tickets. */
export const SEARCH_WORD = VOCABULARY[500]!;

async function insertRows(conn: mysql.Connection, table: string, columns: string[], rows: unknown[][]): Promise<void> {
  if (rows.length > 0) await conn.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ?`, [rows]);
}

/** Users 1 (admin@bench.test), 2 … agents+1 (agent0@bench.test …), then the customers. */
async function seedUsers(conn: mysql.Connection, plan: SeedPlan, now: string): Promise<void> {
  const rows: unknown[][] = [[1, randomUUID(), 'admin', 'admin@bench.test', now, now]];
  for (let i = 0; i < plan.agents; i++) rows.push([2 + i, randomUUID(), 'agent', `agent${i}@bench.test`, now, now]);
  for (let i = 0; i < plan.customers; i++) rows.push([2 + plan.agents + i, randomUUID(), 'customer', `customer${i}@bench.test`, now, now]);
  for (let i = 0; i < rows.length; i += BATCH) await insertRows(conn, 'users', ['id', 'uuid', 'role', 'email', 'created_at', 'updated_at'], rows.slice(i, i + BATCH));
}

/** Seeds `plan.tickets` tickets, their tags and (for one in `messagesEvery`) messages. */
export async function seedTickets(url: string, plan: SeedPlan, progress: (done: number) => void): Promise<void> {
  const target = mysqlTarget(url);
  const conn = await mysql.createConnection({ host: target.host, port: target.port, user: target.user, password: target.password, database: target.database });
  const random = seededRandom(7);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  const words = (n: number) => Array.from({ length: n }, () => VOCABULARY[Math.floor(random() ** 3 * VOCABULARY.length)]).join(' ');
  const end = Date.now() - HOUR;
  const start = end - plan.days * DAY;
  try {
    await conn.query('SET unique_checks = 0, foreign_key_checks = 0');
    await seedUsers(conn, plan, toDbTime(new Date()));
    const firstCustomerId = 2 + plan.agents;
    const counters = new Map<string, number>();
    let messageId = 1;
    for (let from = 0; from < plan.tickets; from += BATCH) {
      const cases: unknown[][] = [];
      const tags: unknown[][] = [];
      const messages: unknown[][] = [];
      const searchWords: unknown[][] = [];
      for (let i = from; i < Math.min(from + BATCH, plan.tickets); i++) {
        const id = i + 1;
        const createdMs = start + Math.floor(((end - start) * i) / plan.tickets);
        const created = new Date(createdMs);
        const day = toDbTime(created).slice(0, 10).replaceAll('-', '');
        const serial = (counters.get(day) ?? 0) + 1;
        counters.set(day, serial);
        const recent = end - createdMs < 30 * DAY;
        const status = pick(recent ? RECENT_STATUSES : OLD_STATUSES);
        const priority = pick(PRIORITIES);
        const [firstHours, resolveHours] = DUE_HOURS[priority]!;
        const assignee = status === 'open' ? null : 2 + Math.floor(random() * plan.agents);
        const clocks = slaClocks(random, createdMs, status, firstHours, resolveHours, end);
        const archived = random() < 0.01;
        const subject = words(6);
        const description = `${words(20)}.`;
        const texts: TicketText[] = [[subject, true], [description, true]];
        const tagCount = 1 + Math.floor(random() * 3);
        const chosen = [...new Set(Array.from({ length: tagCount }, () => TAGS[Math.floor(random() ** 2 * TAGS.length)]!))];
        cases.push([
          id, randomUUID(), `TICK-${day}-${String(serial).padStart(4, '0')}`, pick(['api', 'api', 'email-system', 'email-system', 'import']),
          subject, description, status, priority, pick(CATEGORIES), firstCustomerId + Math.floor(random() * plan.customers), assignee,
          ...clocks, archived, toDbTime(created), clocks[3] ?? toDbTime(created), JSON.stringify(chosen),
        ]);
        chosen.forEach((tag, position) => tags.push([id, position, tag, tag, archived, toDbTime(created)]));
        if (i % plan.messagesEvery === 0) {
          const count = 1 + Math.floor(random() * 4);
          for (let m = 0; m < count; m++) {
            const at = toDbTime(new Date(createdMs + (m + 1) * HOUR));
            const [visibility, content] = [random() < 0.2 ? 'internal' : 'public', `${words(40)}.`];
            messages.push([messageId++, id, randomUUID(), m % 2 === 0 ? 'inbound' : 'outbound', visibility, content, at, at]);
            texts.push([content, visibility === 'public']);
          }
        }
        // What the search job would write for the ticket (src/search/indexer.ts).
        for (const [word, readable] of wordsOfTexts(texts)) searchWords.push([id, word, readable]);
      }
      await insertRows(conn, 'cases', ['id', 'uuid', 'number', 'source', 'subject', 'description', 'status', 'priority', 'category', 'customer_id', 'assignee_id', ...CLOCK_COLUMNS, 'archived', 'created_at', 'updated_at', 'tag_list'], cases);
      await insertRows(conn, 'case_tags', ['case_id', 'position', 'tag', 'tag_key', 'case_archived', 'case_created_at'], tags);
      await insertRows(conn, 'messages', ['id', 'case_id', 'uuid', 'direction', 'visibility', 'content', 'created_at', 'received_at'], messages);
      await insertRows(conn, 'search_words', ['case_id', 'word', 'public'], searchWords);
      progress(Math.min(from + BATCH, plan.tickets));
    }
    await insertRows(conn, 'ticket_counters', ['day', 'last_value'], [...counters]);
  } finally {
    await conn.end();
  }
}
