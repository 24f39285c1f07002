import { describe, expect, it } from 'vitest';
import { dataTopic, deviceStatusTopic, gatewayFilters, nodeStatusTopic, parseTopic, scanTopic } from './topics.js';

describe('topics', () => {
  it.each([
    { topic: 'ct/v1/wh1/edge-1/cold-room-1/data', parsed: { kind: 'data', site: 'wh1', node: 'edge-1', device: 'cold-room-1' } },
    { topic: 'ct/v1/wh1/edge-1/cold-room-1/status', parsed: { kind: 'device-status', site: 'wh1', node: 'edge-1', device: 'cold-room-1' } },
    { topic: 'ct/v1/wh1/edge-1/status', parsed: { kind: 'node-status', site: 'wh1', node: 'edge-1' } },
    { topic: 'ct/v1/wh1/edge-1/dock-door-1/scan', parsed: { kind: 'scan', site: 'wh1', node: 'edge-1', device: 'dock-door-1' } },
    { topic: 'ct/v1/wh1/edge-1/scan', parsed: undefined },
    { topic: 'ct/v2/wh1/edge-1/d/data', parsed: undefined },
    { topic: 'ct/v1/wh1/edge-1/d/data/extra', parsed: undefined },
    { topic: 'ct/v1/wh1/edge-1/d/events', parsed: undefined },
    { topic: 'ct/v1/wh1//d/data', parsed: undefined },
    { topic: 'ct/v1/wh 1/edge-1/d/data', parsed: undefined },
    { topic: 'ct/v1/wh1/edge-1/-d/data', parsed: undefined },
    { topic: 'other/v1/wh1/edge-1/d/data', parsed: undefined },
  ])('parses $topic', ({ topic, parsed }) => {
    expect(parseTopic(topic)).toEqual(parsed);
  });

  it('builds the topics it parses', () => {
    expect(parseTopic(dataTopic('s', 'n', 'd'))?.kind).toBe('data');
    expect(parseTopic(deviceStatusTopic('s', 'n', 'd'))?.kind).toBe('device-status');
    expect(parseTopic(nodeStatusTopic('s', 'n'))?.kind).toBe('node-status');
    expect(parseTopic(scanTopic('s', 'n', 'd'))?.kind).toBe('scan');
  });

  it('prefixes shared subscriptions with the group', () => {
    expect(gatewayFilters('g')).toEqual(['$share/g/ct/v1/+/+/+/data', '$share/g/ct/v1/+/+/+/status', '$share/g/ct/v1/+/+/status', '$share/g/ct/v1/+/+/+/scan']);
  });
});
