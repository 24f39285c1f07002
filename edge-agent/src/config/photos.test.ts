import { describe, expect, it } from 'vitest';
import { validateConfig } from './validate.js';

const base = { site: 'wh1', node: 'dock-1', mqtt: { url: 'mqtt://127.0.0.1:1883' }, dataDir: '/var/lib/agent' };
const scanner = { kind: 'scanner', device: 'pack-scanner', path: '/dev/ttyUSB0' };
const camera = { kind: 'camera', device: 'pack-cam', snapshot: { url: 'http://10.0.0.5/snapshot.jpg' }, triggers: [{ on: 'scan', device: 'pack-scanner' }] };

describe('the photos section and camera sources in the agent config', () => {
  it('accepts a camera triggered by a scanner of the same agent, with the photo outbox defaults', () => {
    const r = validateConfig({ ...base, photos: { url: 'https://gateway.example:8443' }, sources: [scanner, camera] });
    expect(r.ok && r.config.photos).toEqual({ url: 'https://gateway.example:8443', maxBytes: 256 * 1024 * 1024, maxPhotos: 2000, maxRejected: 200, timeoutMs: 60_000 });
  });

  it("accepts a trigger on any antenna's door of an LLRP reader", () => {
    const llrp = { kind: 'llrp', host: '10.0.0.9', antennas: [{ id: 1, device: 'door-in' }, { id: 2, device: 'door-out' }] };
    const cam = { ...camera, triggers: [{ on: 'scan', device: 'door-out' }] };
    const r = validateConfig({ ...base, photos: { url: 'http://gw:8080' }, sources: [llrp, cam] });
    expect(r.ok, r.ok ? '' : r.problems.join('\n')).toBe(true);
  });

  it.each([
    ['a camera without the photos section', { sources: [scanner, camera] }, [/^photos: required with a camera source \(sources\[1\]\)/]],
    ['a trigger on a device no source has', { photos: { url: 'http://gw:8080' }, sources: [camera] }, [/^sources\[0\]\.triggers\[0\]\.device: no source of this agent has device "pack-scanner"/]],
    ['a bad photos section, every problem', { photos: { url: 'ftp://gw/photos', maxBytes: 10, maxPhotos: 0, extra: 1 }, sources: [scanner] }, [/^photos\.extra: unknown key/, /^photos\.url: /, /^photos\.maxBytes: /, /^photos\.maxPhotos: /]],
    ['a camera sharing a device id with another source', { photos: { url: 'http://gw:8080' }, sources: [scanner, { ...camera, device: 'pack-scanner' }] }, [/device id "pack-scanner" is also used by sources\[0\]/]],
  ])('refuses %s', (_n, extra, want) => {
    const r = validateConfig({ ...base, ...extra });
    expect(r.ok).toBe(false);
    const problems = r.ok ? [] : r.problems;
    expect(problems, problems.join('\n')).toEqual(want.map((re) => expect.stringMatching(re)));
  });
});
