import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { capKey, MAX_CAP_BYTES, parseCap, type CapAlert } from './cap.js';

const fixture = (name: string): string => readFileSync(new URL(`../../../test/fixtures/cap/${name}`, import.meta.url), 'utf8');

function ok(xml: string): CapAlert {
  const r = parseCap(xml);
  if (!r.ok) throw new Error(`${r.code}: ${r.reason}`);
  return r.alert;
}

/** A minimal valid alert around `info` (and `head` for extra alert fields). */
const doc = (info: string, head = '<msgType>Alert</msgType>'): string =>
  `<?xml version="1.0" encoding="UTF-8"?><alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>X1</identifier><sender>met@example.org</sender>` +
  `<sent>2026-12-07T04:00:00Z</sent><status>Actual</status>${head}<scope>Public</scope>${info}</alert>`;
const info = (area: string, extra = ''): string =>
  `<info><event>Storm</event><urgency>Immediate</urgency><severity>Severe</severity><certainty>Observed</certainty>${extra}<area><areaDesc>Coast</areaDesc>${area}</area></info>`;

describe('the example alerts of the CAP 1.2 standard (Appendix A)', () => {
  it.each([
    ['a1-homeland-security.xml', { identifier: '43b080713727', sender: 'hsas@dhs.gov', sentMs: Date.parse('2003-04-02T19:39:01Z'), msgType: 'Alert', infos: 1, severity: 'Severe', polygons: 0, circles: 0 }],
    ['a2-severe-thunderstorm.xml', { identifier: 'KSTO1055887203', sender: 'KSTO@NWS.NOAA.GOV', sentMs: Date.parse('2003-06-17T21:57:00Z'), msgType: 'Alert', infos: 1, severity: 'Severe', polygons: 1, circles: 0 }],
    ['a3-earthquake-update.xml', { identifier: 'TRI13970876.2', sender: 'trinet@caltech.edu', sentMs: Date.parse('2003-06-12T03:56:00Z'), msgType: 'Update', infos: 1, severity: 'Minor', polygons: 0, circles: 1 }],
    ['a4-amber-alert.xml', { identifier: 'KAR0-0306112239-SW', sender: 'KARO@CLETS.DOJ.CA.GOV', sentMs: Date.parse('2003-06-12T05:39:00Z'), msgType: 'Alert', infos: 2, severity: 'Severe', polygons: 0, circles: 0 }],
  ])('reads %s', (name, want) => {
    const a = ok(fixture(name));
    expect({ identifier: a.identifier, sender: a.sender, sentMs: a.sentMs, msgType: a.msgType, infos: a.infos.length }).toEqual({
      identifier: want.identifier, sender: want.sender, sentMs: want.sentMs, msgType: want.msgType, infos: want.infos,
    });
    expect(a.status).toBe('Actual');
    expect(a.infos[0]!.severity).toBe(want.severity);
    expect(a.infos[0]!.areas.flatMap((x) => x.polygons)).toHaveLength(want.polygons);
    expect(a.infos[0]!.areas.flatMap((x) => x.circles)).toHaveLength(want.circles);
  });

  it('reads the thunderstorm warning field by field', () => {
    const a = ok(fixture('a2-severe-thunderstorm.xml'));
    const i = a.infos[0]!;
    expect({ event: i.event, urgency: i.urgency, certainty: i.certainty, headline: i.headline, expiresMs: i.expiresMs }).toEqual({
      event: 'SEVERE THUNDERSTORM', urgency: 'Immediate', certainty: 'Observed', headline: 'SEVERE THUNDERSTORM WARNING', expiresMs: Date.parse('2003-06-17T23:00:00Z'),
    });
    expect(i.areas[0]!.polygons[0]).toEqual([
      { lat: 38.47, lon: -120.14 }, { lat: 38.34, lon: -119.95 }, { lat: 38.52, lon: -119.74 }, { lat: 38.62, lon: -119.89 }, { lat: 38.47, lon: -120.14 },
    ]);
    expect(i.areas[0]!.areaDesc).toMatch(/^EXTREME NORTH CENTRAL TUOLUMNE COUNTY/);
  });

  it('reads the earthquake update with the message it refers to, and its circle', () => {
    const a = ok(fixture('a3-earthquake-update.xml'));
    expect(a.references).toEqual([{ sender: 'trinet@caltech.edu', identifier: 'TRI13970876.1', sent: '2003-06-11T20:30:00-07:00' }]);
    expect(capKey(a.references[0]!)).toBe('trinet@caltech.edu,TRI13970876.1,2003-06-11T20:30:00-07:00');
    expect(a.infos[0]!.areas[0]!.circles).toEqual([{ center: { lat: 32.9525, lon: -115.5527 }, radiusKm: 0 }]);
  });

  it('reads both languages of the AMBER alert', () => {
    expect(ok(fixture('a4-amber-alert.xml')).infos.map((i) => i.event)).toEqual(['Child Abduction', 'Abducción de Niño']);
  });
});

const XXE = `<?xml version="1.0"?><!DOCTYPE alert [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>` + doc(info('', '<headline>&xxe;</headline>')).replace(/^<\?xml[^>]*>/, '');
const LAUGHS = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">' +
  Array.from({ length: 9 }, (_, k) => `<!ENTITY lol${k + 1} "${`&lol${k === 0 ? '' : k};`.repeat(10)}">`).join('') + ']><alert><identifier>&lol9;</identifier></alert>';

describe('refusals', () => {
  it.each([
    ['an external entity', XXE, 'E_CAP_DTD'],
    ['a billion-laughs expansion', LAUGHS, 'E_CAP_DTD'],
    ['a DOCTYPE without entities', `<!DOCTYPE alert>${doc(info(''))}`, 'E_CAP_DTD'],
    ['not XML at all', 'storm warning for the coast', 'E_CAP_MALFORMED'],
    ['an unclosed element', doc(info('')).replace('</alert>', ''), 'E_CAP_MALFORMED'],
    ['an empty body', '', 'E_CAP_MALFORMED'],
    ['XML that is not CAP', '<feed><entry>storm</entry></feed>', 'E_CAP_NOT_CAP'],
    ['no identifier', doc(info('')).replace('<identifier>X1</identifier>', ''), 'E_CAP_INVALID'],
    ['an unknown status', doc(info('')).replace('Actual', 'Real'), 'E_CAP_INVALID'],
    ['a time without its zone', doc(info('')).replace('2026-12-07T04:00:00Z', '2026-12-07T04:00:00'), 'E_CAP_INVALID'],
    ['an unknown severity', doc(info('').replace('Severe', 'Bad')), 'E_CAP_INVALID'],
    ['an Update naming nothing', doc(info(''), '<msgType>Update</msgType>'), 'E_CAP_INVALID'],
    ['a reference that is not a triple', doc(info(''), '<msgType>Cancel</msgType><references>met@example.org,X0</references>'), 'E_CAP_INVALID'],
    ['an open polygon', doc(info('<polygon>1,1 1,2 2,2 2,1</polygon>')), 'E_CAP_INVALID'],
    ['a polygon of three pairs', doc(info('<polygon>1,1 1,2 1,1</polygon>')), 'E_CAP_INVALID'],
    ['a latitude beyond 90', doc(info('<polygon>91,1 1,2 2,2 91,1</polygon>')), 'E_CAP_INVALID'],
    ['a circle without its radius', doc(info('<circle>1,1</circle>')), 'E_CAP_INVALID'],
    ['a negative radius', doc(info('<circle>1,1 -5</circle>')), 'E_CAP_INVALID'],
  ])('refuses %s', (_name, xml, code) => {
    const r = parseCap(xml);
    expect(r.ok ? 'accepted' : r.code).toBe(code);
    if (!r.ok) expect(r.reason.length).toBeGreaterThan(10);
  });

  it('refuses a document over the size limit by its length alone', () => {
    const r = parseCap(doc(info('')), MAX_CAP_BYTES + 1);
    expect(r.ok ? 'accepted' : r.code).toBe('E_CAP_TOO_LARGE');
  });

  it('names every problem of an invalid alert', () => {
    const r = parseCap(doc(info('<circle>x</circle>').replace('Observed', 'Sure')).replace('<identifier>X1</identifier>', ''));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason.split('; ').map((p) => p.split(':')[0])).toEqual(['alert.identifier', 'alert.info[0].certainty', 'alert.info[0].area[0].circle[0]']);
  });

  it('expands no entity: an undeclared reference stays as written, the predefined ones are one character each', () => {
    const a = ok(doc(info('', '<headline>Wind &amp; rain &lt;&#x26;&#38;&gt; &lol9;</headline>')));
    expect(a.infos[0]!.headline).toBe('Wind & rain <&&> &lol9;');
  });
});

describe('areas', () => {
  it('reads several polygons and circles of an area', () => {
    const a = ok(doc(info('<polygon>1,1 1,2 2,2 1,1</polygon><polygon>5,5 5,6 6,6 5,5</polygon><circle>10,10 25.5</circle>', '<onset>2026-12-07T05:00:00+01:00</onset>')));
    const area = a.infos[0]!.areas[0]!;
    expect(area.polygons).toHaveLength(2);
    expect(area.circles).toEqual([{ center: { lat: 10, lon: 10 }, radiusKm: 25.5 }]);
    expect(a.infos[0]!.onsetMs).toBe(Date.parse('2026-12-07T04:00:00Z'));
  });
});
