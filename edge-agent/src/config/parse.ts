/**
 * Config text to a raw value, with errors that say where (`file:line:col`) and what to do (issue #24). YAML
 * reserves some characters at the start of a plain value: `unit: %RH` is a parse error, `unit: &RH` an anchor with
 * no value, `unit: *RH` a reference to an anchor. Each gets a hint to quote the value (`unit: "%RH"`).
 */
import { LineCounter, parseDocument, visit, type Document, type YAMLError } from 'yaml';

/** Characters that cannot start a plain YAML value (YAML 1.2 §5.3 indicators) and that show up in units and ids. */
const RESERVED_START = new Set(['%', '@', '`', '*', '&', '!', '|', '>']);

/** What to do about the YAML errors people make in config files, by the yaml package's error code. */
const CODE_HINTS: Partial<Record<YAMLError['code'], string>> = {
  BAD_INDENT: 'check the indentation (spaces, aligned with the sibling keys) and that every [ and { is closed',
  TAB_AS_INDENT: 'indent with spaces, not tabs',
  BLOCK_AS_IMPLICIT_KEY: 'a value that contains ": " must be quoted',
  MULTILINE_IMPLICIT_KEY: 'a key must fit on one line; is a ":" or a closing quote missing on the line before?',
  DUPLICATE_KEY: 'give each key once per mapping',
  MISSING_CHAR: 'a quote, ] or } is not closed',
  BLOCK_IN_FLOW: 'inside [ ] or { } write entries with commas, not on indented lines with "- "',
  MULTIPLE_DOCS: 'the config is one YAML document: remove the "---" separator',
};

interface Located {
  readonly offset: number;
  readonly message: string;
}

/** The plain value around `offset` and the key it belongs to, as written on its line. */
function valueAt(text: string, offset: number): { key: string | undefined; value: string } {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  let start = Math.min(offset, text.length);
  while (start > lineStart && !/[\s,[{]/.test(text.charAt(start - 1))) start--;
  const lineEnd = text.indexOf('\n', start) === -1 ? text.length : text.indexOf('\n', start);
  const prefix = text.slice(lineStart, start);
  const inFlow = /[[{]/.test(prefix);
  let rest = text.slice(start, lineEnd);
  const comment = rest.search(/\s#/);
  if (comment >= 0) rest = rest.slice(0, comment);
  if (inFlow) rest = rest.split(/[,\]}]/)[0] ?? rest;
  const key = /([^\s,[{]+):\s*$/.exec(prefix)?.[1];
  return { key, value: rest.trimEnd() };
}

/** `quote the value: unit: "%RH"` when the value at `offset` starts with a reserved character. */
export function quoteHint(text: string, offset: number): string | undefined {
  const { key, value } = valueAt(text, offset);
  if (!RESERVED_START.has(value.charAt(0))) return undefined;
  return `quote the value: ${key === undefined ? '' : `${key}: `}${JSON.stringify(value)}`;
}

function yamlMessage(text: string, e: YAMLError): Located {
  const hint = quoteHint(text, e.pos[0]) ?? CODE_HINTS[e.code];
  const first = e.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '') ?? e.code;
  return { offset: e.pos[0], message: hint === undefined ? first : `${first}; ${hint}` };
}

/**
 * What the parser accepts but a config never means: an alias to an anchor that does not exist (`*RH`), an anchor
 * on an empty value (`&RH`), a tag the parser does not know (`!RH`, reported only as a warning by the parser).
 */
function misreadIndicators(text: string, doc: Document): Located[] {
  const out: Located[] = [];
  for (const w of doc.warnings) if (w.code === 'TAG_RESOLVE_FAILED') out.push(yamlMessage(text, w));
  visit(doc, {
    Alias(_k, node) {
      const at = node.range?.[0] ?? 0;
      if (node.resolve(doc) === undefined) {
        out.push({ offset: at, message: `*${node.source} refers to an anchor &${node.source} that is not defined; ${quoteHint(text, at) ?? 'define the anchor before the alias'}` });
      }
    },
    Scalar(_k, node) {
      if (node.anchor === undefined || node.value !== null) return;
      const at = text.lastIndexOf(`&${node.anchor}`, node.range?.[0] ?? text.length);
      if (at < 0) return;
      out.push({ offset: at, message: `&${node.anchor} is an anchor with no value; ${quoteHint(text, at) ?? 'give the anchored node a value'}` });
    },
  });
  return out;
}

function located(fileName: string, lines: LineCounter, problems: readonly Located[]): string[] {
  return [...problems]
    .sort((a, b) => a.offset - b.offset)
    .map((p) => {
      const { line, col } = lines.linePos(p.offset);
      return `${fileName}:${line}:${col}: ${p.message}`;
    });
}

/** Parses YAML; every problem as `file:line:col: what; what to do`. Returns the value or the problems. */
export function parseYaml(text: string, fileName: string): { ok: true; value: unknown } | { ok: false; problems: string[] } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const problems = [...doc.errors.map((e) => yamlMessage(text, e)), ...misreadIndicators(text, doc)];
  if (problems.length > 0) return { ok: false, problems: located(fileName, lines, problems) };
  try {
    return { ok: true, value: doc.toJS() as unknown };
  } catch (err) {
    return { ok: false, problems: [`${fileName}: ${(err as Error).message}`] };
  }
}

/** Parses JSON; the problem names the line and column (JSON.parse gives a character position only). */
export function parseJson(text: string, fileName: string): { ok: true; value: unknown } | { ok: false; problems: string[] } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    const message = (err as Error).message;
    const pos = /at position (\d+)/.exec(message)?.[1];
    if (pos === undefined) return { ok: false, problems: [`${fileName}: ${message}`] };
    const lines = new LineCounter();
    lines.addNewLine(0);
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines.addNewLine(i + 1);
    return { ok: false, problems: located(fileName, lines, [{ offset: Number(pos), message: message.replace(/ in JSON at position \d+.*$/, '') }]) };
  }
}
