/**
 * Finds an object key that occurs twice in a JSON text. JSON.parse keeps the last of two equal keys without a word,
 * so `{"value": 4.2, ..., "value": 999}` would be stored as 999: an ambiguous payload, refused as strict parsers
 * refuse it (RFC 8259 §4: names "SHOULD be unique"; I-JSON, RFC 7493 §2.3: "MUST NOT have duplicate names").
 *
 * Only for text JSON.parse has accepted (so the grammar is already known good); pure. Keys are compared after
 * unescaping, so `"value"` and `"\u0076alue"` are the same key.
 */

interface Frame {
  readonly object: boolean;
  readonly keys: Set<string>;
  /** Object: the next string is a key. */
  expectKey: boolean;
  /** The member being read: its key (object) or index (array). */
  at: string | number;
}

/** The JSON pointer of the first repeated key (e.g. `/readings/0/value`), or undefined when every key is unique. */
export function firstDuplicateKey(text: string): string | undefined {
  const stack: Frame[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      let j = i + 1;
      while (text.charCodeAt(j) !== 0x22) j += text.charCodeAt(j) === 0x5c ? 2 : 1;
      const top = stack[stack.length - 1];
      if (top !== undefined && top.object && top.expectKey) {
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        top.at = key;
        top.expectKey = false;
        if (top.keys.has(key)) return pointer(stack);
        top.keys.add(key);
      }
      i = j;
    } else if (c === 0x7b || c === 0x5b) {
      stack.push({ object: c === 0x7b, keys: new Set(), expectKey: c === 0x7b, at: 0 });
    } else if (c === 0x7d || c === 0x5d) {
      stack.pop();
    } else if (c === 0x2c) {
      const top = stack[stack.length - 1];
      if (top === undefined) continue;
      if (top.object) top.expectKey = true;
      else top.at = (top.at as number) + 1;
    }
  }
  return undefined;
}

/** RFC 6901: `~` and `/` in a key are escaped as `~0` and `~1`. */
function pointer(stack: readonly Frame[]): string {
  return stack.map((f) => `/${String(f.at).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}
