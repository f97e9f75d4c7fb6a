/** `npm run bench -- <name>`: one of the benchmarks below, against servers on loopback. */
import { runClassifyBench } from './classify.js';
import { runImportBench } from './import.js';
import { runIngestBench } from './ingest.js';
import { runReportsBench } from './reports.js';
import { runTicketsBench } from './tickets.js';

const benches: Record<string, () => Promise<void>> = {
  classify: runClassifyBench,
  import: runImportBench,
  ingest: runIngestBench,
  reports: runReportsBench,
  tickets: runTicketsBench,
};

const name = process.argv[2];
const bench = name === undefined ? undefined : benches[name];
if (!bench) {
  console.error(`Usage: npm run bench -- <${Object.keys(benches).join('|')}>`);
  process.exit(2);
}
await bench();
