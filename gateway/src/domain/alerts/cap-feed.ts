/**
 * An index of CAP messages (docs/claims.md, "Weather and disruption alerts"): what national services publish at their
 * polling URL is usually not one CAP document but a feed of them, an Atom feed (RFC 4287: MeteoAlarm, Environment
 * Canada, the US National Weather Service's ATOM) or an RSS 2.0 channel, each entry linking to its CAP document. Read
 * here into entries (id, when last updated, the CAP document's URL); the poller fetches the new and updated ones.
 * Pure.
 *
 * The link an entry names its CAP document by: a `link` whose type is `application/cap+xml`, else its `alternate`
 * link, else its first link; RSS: the item's `link`. Relative links are resolved against the feed's URL; only http
 * and https are followed. Declarations are refused before parsing, as for CAP documents (cap.ts).
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { MAX_CAP_BYTES } from './cap.js';

export interface CapFeedEntry {
  /** The entry's id (Atom `id`, RSS `guid`, else its link). */
  readonly id: string;
  /** Atom `updated`, RSS `pubDate`, as written: an entry whose value changes is fetched again. */
  readonly updated: string;
  readonly url: string;
}

export type CapFeedRead =
  | { readonly kind: 'feed'; readonly format: 'atom' | 'rss'; readonly entries: readonly CapFeedEntry[]; readonly problems: readonly string[] }
  /** Not a feed (a CAP document, or anything else: the CAP reader says what). */
  | { readonly kind: 'not-feed' }
  | { readonly kind: 'refused'; readonly reason: string };

type Rec = Record<string, unknown>;
const isRecord = (x: unknown): x is Rec => typeof x === 'object' && x !== null && !Array.isArray(x);
const list = (x: unknown): unknown[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);
const textOf = (x: unknown): string | undefined => {
  const t = isRecord(x) ? x['#text'] : x;
  return typeof t === 'string' && t.trim() !== '' ? t.trim() : undefined;
};

function parser(): XMLParser {
  return new XMLParser({
    ignoreAttributes: false, attributeNamePrefix: '@', removeNSPrefix: true, parseTagValue: false, parseAttributeValue: false, trimValues: true,
    processEntities: false, htmlEntities: false, ignoreDeclaration: true, ignorePiTags: true,
  });
}

/** The feed `xml` fetched from `feedUrl`, or `not-feed` when its root is neither Atom's `feed` nor `rss`. */
export function readCapFeed(xml: string, feedUrl: string, bytes = xml.length): CapFeedRead {
  if (bytes > MAX_CAP_BYTES) return { kind: 'refused', reason: `the feed is ${bytes} bytes; at most ${MAX_CAP_BYTES} are read` };
  if (!/<(?:[\w-]+:)?(feed|rss)[\s>]/.test(xml)) return { kind: 'not-feed' };
  if (/<!(DOCTYPE|ENTITY)/i.test(xml)) return { kind: 'refused', reason: 'a document type declaration: a feed needs none, and entities are not read' };
  if (XMLValidator.validate(xml) !== true) return { kind: 'not-feed' };
  const doc = parser().parse(xml) as unknown;
  if (!isRecord(doc)) return { kind: 'not-feed' };
  const problems: string[] = [];
  const entries: CapFeedEntry[] = [];
  const resolve = (href: string, where: string): string | undefined => {
    try {
      const u = new URL(href, feedUrl);
      if (u.protocol === 'http:' || u.protocol === 'https:') return u.toString();
      problems.push(`${where}: link ${href} is not http(s): not followed`);
    } catch {
      problems.push(`${where}: link ${href} is not a URL`);
    }
    return undefined;
  };
  if (isRecord(doc.feed)) {
    list(doc.feed.entry).forEach((e, i) => {
      const where = `feed.entry[${i}]`;
      if (!isRecord(e)) return;
      const links = list(e.link).filter(isRecord);
      const href = (l: Rec | undefined): string | undefined => (typeof l?.['@href'] === 'string' ? l['@href'] : undefined);
      const chosen = links.find((l) => String(l['@type'] ?? '').toLowerCase().includes('cap')) ?? links.find((l) => (l['@rel'] ?? 'alternate') === 'alternate') ?? links[0];
      const raw = href(chosen);
      if (raw === undefined) {
        problems.push(`${where}: no link to a CAP document`);
        return;
      }
      const url = resolve(raw, where);
      if (url !== undefined) entries.push({ id: textOf(e.id) ?? url, updated: textOf(e.updated) ?? textOf(e.published) ?? '', url });
    });
    return { kind: 'feed', format: 'atom', entries, problems };
  }
  if (isRecord(doc.rss) && isRecord(doc.rss.channel)) {
    list(doc.rss.channel.item).forEach((item, i) => {
      const where = `rss.channel.item[${i}]`;
      if (!isRecord(item)) return;
      const raw = textOf(item.link);
      if (raw === undefined) {
        problems.push(`${where}: no link to a CAP document`);
        return;
      }
      const url = resolve(raw, where);
      if (url !== undefined) entries.push({ id: textOf(item.guid) ?? url, updated: textOf(item.pubDate) ?? '', url });
    });
    return { kind: 'feed', format: 'rss', entries, problems };
  }
  return { kind: 'not-feed' };
}
