import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { SingleBar } from 'cli-progress';
import type { Knex } from 'knex';
import type { Classifier } from '../classification/classifier.js';
import { formatOf, IMPORT_FORMATS, type ImportFormat } from './formats.js';
import { importTickets, type ImportResult } from './importer.js';

/**
 * `casehub import FILE`: the same import as the API, from a file on this machine, with a
 * progress bar on stderr (by bytes read; a real import reads the file twice, check then write).
 */
export async function importFile(db: Knex, classifier: Classifier, file: string, options: { dryRun: boolean; format?: string }): Promise<ImportResult> {
  const format = (options.format ?? formatOf(undefined, file)) as ImportFormat | undefined;
  if (!format || !IMPORT_FORMATS.includes(format)) throw new Error(`Cannot tell the format of ${file}: name it .csv, .json or .xml, or pass --format`);
  const size = (await stat(file)).size;
  const passes = options.dryRun ? 1 : 2;
  const bar = new SingleBar({ format: 'importing [{bar}] {percentage}% | {rows} rows read | {eta_formatted} left', stream: process.stderr, hideCursor: true });
  let done = 0;
  let rows = 0;
  bar.start(size * passes, 0, { rows });
  try {
    return await importTickets(
      db,
      classifier,
      () => {
        const stream = createReadStream(file);
        stream.on('data', (chunk) => bar.update((done += chunk.length), { rows }));
        return stream;
      },
      { format, dryRun: options.dryRun, actorId: null, onProgress: (read) => (rows = read) },
    );
  } finally {
    bar.stop();
  }
}
