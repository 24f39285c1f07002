import { describe, expect, it } from 'vitest';
import { validateCameraSource } from './config.js';

const snap = { url: 'http://10.0.0.5/onvif/snapshot.jpg' };

describe('validateCameraSource', () => {
  it.each([
    ['a snapshot camera without credentials, no schedule', { snapshot: snap }, { input: { kind: 'snapshot', auth: 'none', timeoutMs: 10_000, maxBytes: 10 * 1024 * 1024 }, intervalMs: 0, triggers: [], minGapMs: 2000 }],
    ['answers the challenge when a username is given', { snapshot: { ...snap, username: 'admin', passwordFile: '/etc/cam' } }, { input: { auth: 'auto', username: 'admin', passwordFile: '/etc/cam' } }],
    ['Digest only when asked', { snapshot: { ...snap, auth: 'digest', username: 'admin', password: '' } }, { input: { auth: 'digest', password: '' } }],
    ['a schedule and the three triggers, shock at the warning level by default', {
      snapshot: snap, station: 'Packing station 1', intervalMs: 300_000,
      triggers: [{ on: 'scan', device: 'pack-scanner' }, { on: 'door', device: 'dock-door' }, { on: 'shock', device: 'accel-1' }, { on: 'shock', device: 'accel-2', minG: 10 }],
    }, { station: 'Packing station 1', intervalMs: 300_000, triggers: [{ on: 'scan', device: 'pack-scanner' }, { on: 'door', device: 'dock-door' }, { on: 'shock', device: 'accel-1', minG: 25 }, { on: 'shock', device: 'accel-2', minG: 10 }] }],
    ['a folder', { folder: { path: '/var/spool/cam' } }, { input: { kind: 'folder', path: '/var/spool/cam', stableMs: 2000, pollMs: 1000 } }],
  ])('accepts %s', (_n, extra, want) => {
    const problems: string[] = [];
    expect(validateCameraSource({ kind: 'camera', device: 'cam-1', ...extra }, 's', problems)).toMatchObject(want);
    expect(problems).toEqual([]);
  });

  it.each([
    ['neither snapshot nor folder', {}, [/^s\.snapshot: give exactly one/]],
    ['both snapshot and folder', { snapshot: snap, folder: { path: '/x' } }, [/^s\.folder: give exactly one/]],
    ['a folder with a schedule or triggers', { folder: { path: '/x' }, intervalMs: 60_000, triggers: [{ on: 'scan', device: 'a' }] }, [/^s\.folder: a folder camera takes the files as they come/]],
    ['every problem of a snapshot camera at once', {
      device: 'bad id', station: 'x'.repeat(65), intervalMs: 500, colour: 'red',
      snapshot: { url: 'rtsp://cam/stream', auth: 'ntlm', password: 'a', passwordFile: '/b', timeoutMs: 5, caFile: '/ca.pem' },
      triggers: [{ on: 'motion', device: 'x' }, { on: 'scan', device: 'a', minG: 3 }, { on: 'shock', device: 'acc', minG: -1 }, 'scan'],
    }, [
      /^s\.colour: unknown key/, /^s\.device: must be an id/, /^s\.station: at most 64/, /^s\.intervalMs: must be 0 \(no schedule\) or >= 1000/,
      /^s\.snapshot\.url: must be an http/, /^s\.snapshot\.auth: must be one of/, /^s\.snapshot\.password: password and passwordFile exclude/,
      /^s\.snapshot\.timeoutMs: must be >= 100/, /^s\.snapshot\.caFile: needs an https/,
      /^s\.triggers\[0\]\.on: must be one of scan, door, shock/, /^s\.triggers\[1\]\.minG: only for on: shock/, /^s\.triggers\[2\]\.minG: must be > 0/, /^s\.triggers\[3\]: must be a mapping/,
    ]],
    ['auth without a username', { snapshot: { ...snap, auth: 'basic' } }, [/^s\.snapshot\.username: required with auth: basic/]],
  ])('lists the problems of %s', (_n, extra, want) => {
    const problems: string[] = [];
    expect(validateCameraSource({ kind: 'camera', device: 'cam-1', ...extra }, 's', problems)).toBeUndefined();
    expect(problems).toEqual(expect.arrayContaining(want.map((re) => expect.stringMatching(re))));
    expect(problems, problems.join('\n')).toHaveLength(want.length);
  });
});
