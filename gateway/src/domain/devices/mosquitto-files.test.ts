import { describe, expect, it } from 'vitest';
import { mosquittoAcl, mosquittoPasswd } from './mosquitto-files.js';

describe('Mosquitto files from MQTT credentials', () => {
  it('grants each identity its own topics only, the gateway everything it reads and writes', () => {
    expect(mosquittoAcl(['wh1/edge-b', '_events/hub', 'wh1/edge-a'], 'gateway').split('\n').filter((l) => l !== '' && !l.startsWith('#'))).toEqual([
      'user gateway', 'topic read ct/v1/#', 'topic write ct/v1/+/+/feedback', 'topic write ct/v1/+/+/command', 'topic write ct/v1/_events/#',
      'user _events/hub', 'topic read ct/v1/_events/#',
      'user wh1/edge-a', 'topic write ct/v1/wh1/edge-a/#', 'topic read ct/v1/wh1/edge-a/feedback', 'topic read ct/v1/wh1/edge-a/command',
      'user wh1/edge-b', 'topic write ct/v1/wh1/edge-b/#', 'topic read ct/v1/wh1/edge-b/feedback', 'topic read ct/v1/wh1/edge-b/command',
    ]);
  });

  it('leaves out a user name that names no identity (it would otherwise connect with no rule at all)', () => {
    expect(mosquittoAcl(['wh1', 'a/b/c'])).not.toContain('user');
    expect(mosquittoPasswd([{ username: 'wh1', hash: '$7$x' }, { username: 'wh1/edge-a', hash: '$7$y' }], { username: 'gateway', hash: '$7$g' })).toBe('gateway:$7$g\nwh1/edge-a:$7$y\n');
  });
});
