import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readCapFeed } from './cap-feed.js';

const FEED_URL = 'https://alerts.example.org/feeds/nl/atom.xml';

/** An Atom feed as MeteoAlarm and Environment Canada publish them: CAP links by type, one relative, one updated. */
const ATOM = `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:cap="urn:oasis:names:tc:emergency:cap:1.2">
  <id>urn:feed:nl</id><title>Warnings NL</title><updated>2026-12-07T06:00:00Z</updated>
  <entry><id>urn:alert:1</id><updated>2026-12-07T05:00:00Z</updated><title>Storm</title>
    <link rel="alternate" type="text/html" href="https://alerts.example.org/html/1"/>
    <link rel="related" type="application/cap+xml" href="https://alerts.example.org/cap/1.xml"/>
    <cap:event>Storm</cap:event></entry>
  <entry><id>urn:alert:2</id><updated>2026-12-07T05:30:00Z</updated><link href="../../cap/2.xml"/></entry>
  <entry><id>urn:alert:3</id><published>2026-12-07T05:45:00Z</published><link rel="alternate" href="https://alerts.example.org/cap/3.xml"/></entry>
  <entry><id>urn:alert:4</id><updated>2026-12-07T05:50:00Z</updated><title>no link</title></entry>
  <entry><id>urn:alert:5</id><updated>2026-12-07T05:55:00Z</updated><link href="ftp://alerts.example.org/cap/5.xml"/></entry>
</feed>`;

const RSS = `<?xml version="1.0"?>
<rss version="2.0"><channel><title>Alerts</title>
  <item><title>Flood</title><link>https://alerts.example.org/cap/f1.xml</link><guid>f1</guid><pubDate>Mon, 07 Dec 2026 05:00:00 GMT</pubDate></item>
  <item><title>Only one</title><link>/cap/f2.xml</link></item>
</channel></rss>`;

describe('reading a feed of CAP messages', () => {
  it('reads an Atom feed: the CAP link by its type, else the alternate, else the first; relative links resolved', () => {
    const r = readCapFeed(ATOM, FEED_URL);
    expect(r).toEqual({
      kind: 'feed', format: 'atom',
      entries: [
        { id: 'urn:alert:1', updated: '2026-12-07T05:00:00Z', url: 'https://alerts.example.org/cap/1.xml' },
        { id: 'urn:alert:2', updated: '2026-12-07T05:30:00Z', url: 'https://alerts.example.org/cap/2.xml' },
        { id: 'urn:alert:3', updated: '2026-12-07T05:45:00Z', url: 'https://alerts.example.org/cap/3.xml' },
      ],
      problems: ['feed.entry[3]: no link to a CAP document', 'feed.entry[4]: link ftp://alerts.example.org/cap/5.xml is not http(s): not followed'],
    });
  });

  it('reads an RSS 2.0 channel: the item link, its guid else the link as the id', () => {
    expect(readCapFeed(RSS, FEED_URL)).toEqual({
      kind: 'feed', format: 'rss', problems: [],
      entries: [
        { id: 'f1', updated: 'Mon, 07 Dec 2026 05:00:00 GMT', url: 'https://alerts.example.org/cap/f1.xml' },
        { id: 'https://alerts.example.org/cap/f2.xml', updated: '', url: 'https://alerts.example.org/cap/f2.xml' },
      ],
    });
  });

  it('reads a feed of one entry as a feed of one', () => {
    const one = '<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>a</id><updated>u</updated><link href="https://x.example/a.xml"/></entry></feed>';
    expect(readCapFeed(one, FEED_URL)).toMatchObject({ kind: 'feed', entries: [{ id: 'a', url: 'https://x.example/a.xml' }] });
    expect(readCapFeed('<feed xmlns="http://www.w3.org/2005/Atom"><title>quiet</title></feed>', FEED_URL)).toEqual({ kind: 'feed', format: 'atom', entries: [], problems: [] });
  });

  it.each([
    ['a CAP document', readFileSync(new URL('../../../test/fixtures/cap/a2-severe-thunderstorm.xml', import.meta.url), 'utf8')],
    ['broken XML that looks like a feed (the CAP reader names what is wrong)', '<feed><entry></feed>'],
    ['plain text', 'service unavailable'],
  ])('leaves %s to the CAP reader', (_name, xml) => {
    expect(readCapFeed(xml, FEED_URL)).toEqual({ kind: 'not-feed' });
  });

  it('refuses a feed with a declaration (external entities, expansion bombs) and one too large, unread', () => {
    const xxe = '<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY x SYSTEM "file:///etc/passwd">]><feed><entry><id>&x;</id></entry></feed>';
    expect(readCapFeed(xxe, FEED_URL)).toMatchObject({ kind: 'refused', reason: expect.stringMatching(/declaration/) });
    expect(readCapFeed(ATOM, FEED_URL, 9 * 1024 * 1024)).toMatchObject({ kind: 'refused', reason: expect.stringMatching(/at most/) });
  });
});
