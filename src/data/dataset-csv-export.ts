import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { StoredRow } from './dataset-repository.js';
import { formatKaggleCsvLines, type KaggleCsvVariant } from './kaggle-csv.js';

/** Rows formatted per page: large enough to amortise, small enough to stream. */
const PAGE = 5000;

/**
 * Streams stored rows to a CSV file in a published format, a page at a time, keeping their
 * source ids (or their position when they have none). Returns the number of rows written.
 */
export async function writeDatasetCsv(
  rows: AsyncIterable<StoredRow>,
  file: string,
  variant: KaggleCsvVariant,
): Promise<number> {
  const out = createWriteStream(file);
  let page: StoredRow[] = [];
  let count = 0;
  const flush = async () => {
    const lines = formatKaggleCsvLines(
      page.map((row) => row.record),
      { variant, ids: page.map((row) => row.sourceId ?? String(row.position + 1)) },
    );
    const header = lines.next();
    // Each page is formatted on its own; only the first one's header line is written.
    if (count === 0 && !header.done) out.write(header.value);
    for (const line of lines) {
      if (!out.write(line)) await once(out, 'drain');
    }
    count += page.length;
    page = [];
  };
  for await (const row of rows) {
    page.push(row);
    if (page.length === PAGE) await flush();
  }
  await flush();
  out.end();
  await once(out, 'finish');
  return count;
}
