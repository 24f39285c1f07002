/**
 * A configuration file named by a setting: JSON, or YAML by its `.yaml`/`.yml` name, read once at start. A file that
 * cannot be read or parsed is a configuration problem like any other, prefixed with the setting and the file.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';

/** The document in `path`, or undefined with the problem pushed to `problems`. */
export function readConfigDocument(path: string, key: string, problems: string[]): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    problems.push(`${key}: cannot read '${path}': ${(e as Error).message}`);
    return undefined;
  }
  const yaml = /\.ya?ml$/i.test(path);
  try {
    return yaml ? parseYaml(text) : JSON.parse(text);
  } catch (e) {
    problems.push(`${key}: '${path}' is not valid ${yaml ? 'YAML' : 'JSON'}: ${(e as Error).message}`);
    return undefined;
  }
}
