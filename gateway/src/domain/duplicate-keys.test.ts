import { describe, expect, it } from 'vitest';
import { firstDuplicateKey } from './duplicate-keys.js';

describe('firstDuplicateKey', () => {
  it.each([
    { name: 'a repeated top-level key', text: '{"v":1,"seq":1,"v":2}', at: '/v' },
    { name: 'a repeated key in a reading', text: '{"v":1,"readings":[{"metric":"t","value":4.2},{"metric":"t","value":4.2,"unit":"Cel","value":999}]}', at: '/readings/1/value' },
    { name: 'a key repeated through an escape', text: '{"value":1,"\\u0076alue":2}', at: '/value' },
    { name: 'a key with / and ~ in it', text: '{"a/b~c":1,"a/b~c":2}', at: '/a~1b~0c' },
    { name: 'a repeat deep in nested arrays', text: '{"x":[[{"k":1}],[{"k":1,"k":2}]]}', at: '/x/1/0/k' },
  ])('finds $name', ({ text, at }) => {
    JSON.parse(text);
    expect(firstDuplicateKey(text)).toBe(at);
  });

  it.each([
    { name: 'equal keys in sibling objects', text: '{"readings":[{"value":1},{"value":2}]}' },
    { name: 'a key equal to a string value', text: '{"metric":"value","value":3}' },
    { name: 'quotes, commas and braces inside strings', text: '{"a":"x\\",\\"a\\":{","b":"}]"}' },
    { name: 'keys that differ only by case', text: '{"Value":1,"value":2}' },
    { name: 'no object at all', text: '[1,"a",null]' },
  ])('finds nothing in $name', ({ text }) => {
    JSON.parse(text);
    expect(firstDuplicateKey(text)).toBeUndefined();
  });
});
