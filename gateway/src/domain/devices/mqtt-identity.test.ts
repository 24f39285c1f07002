import { describe, expect, it } from 'vitest';
import { clientIdOf, mayPublish, maySubscribe, parseUsername, usernameOf, type MqttIdentity } from './mqtt-identity.js';

const node: MqttIdentity = { kind: 'node', site: 'wh1', node: 'edge-1' };
const reader: MqttIdentity = { kind: 'reader', name: 'order-hub' };

describe('MQTT identities', () => {
  it.each([
    ['wh1/edge-1', node],
    ['_events/order-hub', reader],
    ['wh1', undefined],
    ['wh1/edge-1/x', undefined],
    ['_events/', undefined],
    ['wh1/-bad', undefined],
    ['/edge-1', undefined],
    ['', undefined],
  ])('user name %j names %j', (username, identity) => {
    expect(parseUsername(username)).toEqual(identity);
  });

  it('user names and client ids round-trip', () => {
    expect(usernameOf(node)).toBe('wh1/edge-1');
    expect(parseUsername(usernameOf(reader))).toEqual(reader);
    expect(clientIdOf(node)).toBe('ct-wh1-edge-1');
    expect(clientIdOf(reader)).toBe('ct-events-order-hub');
  });
});

describe('topic ACL', () => {
  it.each([
    [node, 'ct/v1/wh1/edge-1/probe-7/data', true],
    [node, 'ct/v1/wh1/edge-1/probe-7/status', true],
    [node, 'ct/v1/wh1/edge-1/status', true],
    [node, 'ct/v1/wh1/edge-1/whatever', true], // its own, malformed: ingest quarantines it as E_TOPIC
    [node, 'ct/v1/wh1/edge-1/feedback', false], // the gateway's alone
    [node, 'ct/v1/wh1/edge-1/command', false], // the gateway's alone
    [node, 'ct/v1/wh1/edge-2/probe-7/data', false],
    [node, 'ct/v1/wh2/edge-1/probe-7/data', false],
    [node, 'ct/v1/wh1/edge-10/probe-7/data', false], // a prefix of the id is not the id
    [node, 'ct/v1/wh1/edge-1', false],
    [node, 'ct/v1/_events/flag/raised', false],
    [reader, 'ct/v1/_events/flag/raised', false],
    [reader, 'ct/v1/wh1/edge-1/status', false],
  ])('%j publishing on %s: %s', (id, topic, allowed) => {
    expect(mayPublish(id, topic)).toBe(allowed);
  });

  it.each([
    [node, 'ct/v1/wh1/edge-1/feedback', true],
    [node, 'ct/v1/wh1/edge-1/command', true],
    [node, 'ct/v1/wh1/edge-2/feedback', false],
    [node, 'ct/v1/wh1/edge-2/command', false],
    [node, 'ct/v1/wh1/edge-1/#', false],
    [node, '#', false],
    [node, '$SYS/#', false],
    [node, 'ct/v1/_events/#', false],
    [reader, 'ct/v1/_events/#', true],
    [reader, 'ct/v1/_events/flag/+', true],
    [reader, 'ct/v1/#', false],
    [reader, '#', false],
    [reader, 'ct/v1/+/+/+/data', false],
    [reader, '$share/g/ct/v1/_events/#', false],
  ])('%j subscribing to %s: %s', (id, filter, allowed) => {
    expect(maySubscribe(id, filter)).toBe(allowed);
  });
});
