import { extname } from 'node:path';
import type { Readable } from 'node:stream';
import { parse as parseCsv } from 'csv-parse';
import { SaxesParser } from 'saxes';
import streamArray from 'stream-json/streamers/stream-array.js';
import { ValidationError } from '../errors.js';

/**
 * The three import formats, each read as a stream of records so a file of any length imports
 * in constant memory. Data rows count from 1 in every format (a CSV's header is not one). A
 * file that cannot be read to its end (a broken quote, broken XML, JSON that is not an array)
 * throws an ImportFileError; a record that is wrong on its own is a row with a problem.
 */

export const IMPORT_FORMATS = ['csv', 'json', 'xml'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

export interface SourceRecord {
  row: number;
  record?: Record<string, unknown>;
  /** What makes this record unreadable on its own (the file goes on). */
  problem?: string;
}

/** The whole file is unusable: a 400 naming what is wrong and where. */
export class ImportFileError extends ValidationError {
  constructor(format: ImportFormat, detail: string) {
    super(`The file is not valid ${format.toUpperCase()}: ${detail}`, { file: [detail] });
  }
}

const BY_TYPE: Record<string, ImportFormat> = {
  'text/csv': 'csv',
  'application/csv': 'csv',
  'application/vnd.ms-excel': 'csv',
  'application/json': 'json',
  'application/xml': 'xml',
  'text/xml': 'xml',
};

/** The format by content type, else by file extension; undefined when neither says. */
export function formatOf(contentType: string | undefined | null, fileName: string | undefined | null): ImportFormat | undefined {
  const type = contentType?.split(';')[0]!.trim().toLowerCase();
  const byType = type ? BY_TYPE[type] : undefined;
  if (byType) return byType;
  const extension = fileName ? extname(fileName).slice(1).toLowerCase() : '';
  return (IMPORT_FORMATS as readonly string[]).includes(extension) ? (extension as ImportFormat) : undefined;
}

export function readRecords(input: Readable, format: ImportFormat): AsyncGenerator<SourceRecord> {
  if (format === 'csv') return csvRecords(input);
  if (format === 'json') return jsonRecords(input);
  return xmlRecords(input);
}

// One record may not be larger than this: a missing quote would otherwise swallow the file.
const MAX_RECORD_BYTES = 1024 * 1024;

async function* csvRecords(input: Readable): AsyncGenerator<SourceRecord> {
  let lastByte: number | undefined;
  input.on('data', (chunk: Buffer) => (lastByte = chunk.length > 0 ? chunk[chunk.length - 1] : lastByte));
  const parser = input.pipe(parseCsv({ bom: true, skip_empty_lines: true, relax_column_count: true, max_record_size: MAX_RECORD_BYTES }));
  input.on('error', (err) => parser.destroy(err));
  let header: string[] | undefined;
  let row = 0;
  let pending: SourceRecord | undefined;
  try {
    for await (const fields of parser as AsyncIterable<string[]>) {
      if (!header) {
        header = fields;
        continue;
      }
      if (pending) yield pending;
      row++;
      pending =
        fields.length === header.length
          ? { row, record: Object.fromEntries(header.map((name, i) => [name, fields[i]])) }
          : { row, record: undefined, problem: `has ${fields.length} fields where the header has ${header.length}` };
    }
  } catch (err) {
    throw new ImportFileError('csv', (err as Error).message);
  }
  if (!header) throw new ImportFileError('csv', 'it is empty: a header row is needed');
  // A short last row with no line break after it is where a cut-off file ends.
  if (pending?.problem && lastByte !== 0x0a && lastByte !== 0x0d) {
    throw new ImportFileError('csv', `it ends in the middle of row ${pending.row}: the file looks truncated`);
  }
  if (pending) yield pending;
}

async function* jsonRecords(input: Readable): AsyncGenerator<SourceRecord> {
  const items = input.pipe(streamArray.withParserAsStream());
  input.on('error', (err) => items.destroy(err));
  try {
    for await (const { key, value } of items as AsyncIterable<{ key: number; value: unknown }>) {
      const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
      yield isObject ? { row: key + 1, record: value as Record<string, unknown> } : { row: key + 1, problem: 'is not an object' };
    }
  } catch (err) {
    const message = (err as Error).message;
    throw new ImportFileError('json', /Top-level object should be an array/.test(message) ? 'it must be an array of ticket objects' : message);
  }
}

/** `<tickets><ticket><subject>…</subject><tags><tag>a</tag></tags></ticket></tickets>`. */
async function* xmlRecords(input: Readable): AsyncGenerator<SourceRecord> {
  const parser = new SaxesParser();
  const ready: SourceRecord[] = [];
  let depth = 0;
  let row = 0;
  let ticket: Record<string, unknown> | undefined;
  let field: string | undefined;
  let text = '';
  parser.on('opentag', (tag) => {
    depth++;
    if (depth === 1 && tag.name !== 'tickets') throw new Error(`the root element is <${tag.name}>, not <tickets>`);
    if (depth === 2) {
      row++;
      ticket = tag.name === 'ticket' ? {} : undefined;
      if (!ticket) ready.push({ row, problem: `is a <${tag.name}>, not a <ticket>` });
    }
    if (depth === 3) [field, text] = [tag.name, ''];
    if (depth === 4) text = '';
  });
  parser.on('text', (t) => (text += t));
  parser.on('cdata', (t) => (text += t));
  parser.on('closetag', () => {
    if (depth === 4 && ticket && field) ticket[field] = [...((ticket[field] as string[] | undefined) ?? []), text];
    if (depth === 3 && ticket && field && !Array.isArray(ticket[field])) ticket[field] = text;
    if (depth === 2 && ticket) ready.push({ row, record: ticket });
    depth--;
  });
  // Decoded by the stream, so a character split across two chunks stays one character.
  input.setEncoding('utf8');
  try {
    for await (const chunk of input) {
      parser.write(chunk as string);
      yield* ready.splice(0);
    }
    parser.close();
  } catch (err) {
    throw new ImportFileError('xml', (err as Error).message);
  }
  yield* ready.splice(0);
}
