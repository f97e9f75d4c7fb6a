import { Readable } from 'node:stream';
import { readRecords, type ImportFormat } from '../../src/import/formats.js';

const SUBJECT = 'Ünïcödé ✓ 日本語 ticket';
const COUNT = 300;

const FILES: Record<ImportFormat, string> = {
  csv: 'subject\n' + `${SUBJECT}\n`.repeat(COUNT),
  json: JSON.stringify(Array.from({ length: COUNT }, () => ({ subject: SUBJECT }))),
  xml: `<tickets>${`<ticket><subject>${SUBJECT}</subject></ticket>`.repeat(COUNT)}</tickets>`,
};

/** The file in 7-byte pieces: many of its multi-byte characters fall across two of them. */
function inPieces(text: string): Readable {
  const bytes = Buffer.from(text);
  const pieces: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += 7) pieces.push(bytes.subarray(i, i + 7));
  return Readable.from(pieces);
}

describe('reading an import file', () => {
  it.each(['csv', 'json', 'xml'] as const)('keeps every UTF-8 character of a %s file whose bytes arrive in small pieces', async (format) => {
    const subjects: unknown[] = [];
    for await (const { record } of readRecords(inPieces(FILES[format]), format)) subjects.push(record?.subject);
    expect(subjects).toHaveLength(COUNT);
    expect(subjects.filter((s) => s !== SUBJECT)).toEqual([]);
  });
});
