/**
 * The readings endpoint's answer written straight from columns (issue #16): the text of every reading is its
 * series' precomputed JSON with the row's five numbers between, no object per reading and no schema serialiser.
 * The bytes are those the route's schema serialiser (fast-json-stringify over ReadingBody) wrote: the same key
 * order, numbers as JavaScript writes them (`'' + n`), strings as JSON.stringify escapes them.
 */
import { COLUMN_WIDTH, type ReadingColumns } from '../domain/reading-columns.js';

/** Readings per piece of text handed to the socket: ~180 bytes each, so pieces of ~360 KB. */
const ROWS_PER_PIECE = 2000;

/** `{"readings":[...]}` in pieces of `rowsPerPiece` readings. */
export function* readingsJson(c: ReadingColumns, rowsPerPiece = ROWS_PER_PIECE): Generator<string> {
  yield '{"readings":[';
  yield* pieces(c, ',', rowsPerPiece);
  yield ']}';
}

/** One reading per line (`application/x-ndjson`), each line the JSON object of `readingsJson`, in pieces. */
export function* readingsNdjson(c: ReadingColumns, rowsPerPiece = ROWS_PER_PIECE): Generator<string> {
  yield* pieces(c, '\n', rowsPerPiece);
  if (c.rows.length > 0) yield '\n';
}

function* pieces(c: ReadingColumns, separator: string, rowsPerPiece: number): Generator<string> {
  const heads = c.series.map((s) => `{"site":${JSON.stringify(s.site)},"node":${JSON.stringify(s.node)},"device":${JSON.stringify(s.device)},"metric":${JSON.stringify(s.metric)},"time":`);
  const units = c.series.map((s) => `,"unit":${JSON.stringify(s.unit)},"seq":`);
  const r = c.rows;
  for (let start = 0; start < r.length; start += rowsPerPiece * COLUMN_WIDTH) {
    let text = '';
    const end = Math.min(r.length, start + rowsPerPiece * COLUMN_WIDTH);
    for (let o = start; o < end; o += COLUMN_WIDTH) {
      const s = r[o]!;
      if (o > 0) text += separator;
      text += `${heads[s]}${r[o + 1]},"value":${r[o + 2]}${units[s]}${r[o + 3]},"receivedAt":${r[o + 4]},"flags":${r[o + 5]}}`;
    }
    yield text;
  }
}
