/** Reads the config file (YAML for .yaml/.yml, JSON otherwise) and validates it once. */
import { readFile, stat } from 'node:fs/promises';
import { dirname, extname, isAbsolute, resolve } from 'node:path';
import { resolveCameraPaths } from '../sources/camera/config.js';
import { parseJson, parseYaml } from './parse.js';
import type { AgentConfig } from './types.js';
import { validateConfig } from './validate.js';
import { configWarnings, type PathExists } from './warnings.js';

export type ConfigErrorCode = 'E_CONFIG_READ' | 'E_CONFIG_ENV' | 'E_CONFIG_PARSE' | 'E_CONFIG_INVALID';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly code: ConfigErrorCode,
    readonly problems: readonly string[],
  ) {
    super(`${code}: ${problems.join('; ')}`);
  }
}

/**
 * Substitutes `${NAME}` and `${NAME:-default}` from the environment, as docker compose does, so one file serves
 * several deployments (ports, broker URL, credentials). A `${NAME}` without default that is unset is an error.
 */
export function expandEnv(text: string, env: Readonly<Record<string, string | undefined>>, fileName: string): string {
  const missing: string[] = [];
  const out = text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g, (_m, name: string, dflt: string | undefined) => {
    const v = env[name];
    if (v !== undefined && v !== '') return v;
    if (dflt !== undefined) return dflt;
    missing.push(`${fileName}: \${${name}} is not set and has no default`);
    return '';
  });
  if (missing.length > 0) throw new ConfigError('E_CONFIG_ENV', missing);
  return out;
}

/** Parses YAML (by extension) or JSON; throws E_CONFIG_PARSE with every problem as `file:line:col: ...`. */
export function parseConfigText(text: string, fileName: string): unknown {
  const ext = extname(fileName).toLowerCase();
  const parsed = ext === '.yaml' || ext === '.yml' ? parseYaml(text, fileName) : parseJson(text, fileName);
  if (!parsed.ok) throw new ConfigError('E_CONFIG_PARSE', parsed.problems);
  return parsed.value;
}

export interface LoadConfigOptions {
  /**
   * Receives each warning about a valid config (`<path>: <warning>`): a register scale that takes values outside
   * the metric's catalogue range, a serial port that does not exist yet. Default: one line each on stderr,
   * `<file>: warning: <warning>`, which is where `--check` reports (the CLI passes no sink of its own).
   */
  readonly warn?: (warning: string) => void;
  /** Whether a serial port path exists. Default: fs.stat (only ENOENT and ENOTDIR count as missing). */
  readonly exists?: PathExists;
}

const statExists: PathExists = async (path) => {
  try {
    await stat(path);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code !== 'ENOENT' && code !== 'ENOTDIR';
  }
};

/**
 * Loads, substitutes environment variables, parses and validates. Every relative file path in the config (`dataDir`, a serial source's `path`, a camera's folder and files) is
 * resolved relative to the config file, so the file means the same whatever directory the agent starts in.
 * Throws ConfigError; reports warnings about a valid config to `options.warn`.
 */
export async function loadConfig(
  file: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
  options: LoadConfigOptions = {},
): Promise<AgentConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ConfigError('E_CONFIG_READ', [`${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`]);
  }
  const result = validateConfig(parseConfigText(expandEnv(text, env, file), file));
  if (!result.ok) throw new ConfigError('E_CONFIG_INVALID', result.problems);
  const { config } = result;
  const base = dirname(resolve(file));
  const at = (p: string): string => (isAbsolute(p) ? p : resolve(base, p));
  const resolved: AgentConfig = {
    ...config,
    dataDir: at(config.dataDir),
    mqtt: {
      ...config.mqtt,
      ...Object.fromEntries((['passwordFile', 'caFile', 'certFile', 'keyFile'] as const).flatMap((k) => (config.mqtt[k] !== undefined ? [[k, at(config.mqtt[k])]] : []))),
    },
    sources: config.sources.map((s) => (s.kind === 'camera' ? resolveCameraPaths(s, at) : 'path' in s && typeof s.path === 'string' ? { ...s, path: at(s.path) } : s)),
  };
  const warn = options.warn ?? ((w: string) => process.stderr.write(`${file}: warning: ${w}\n`));
  for (const w of await configWarnings(resolved, options.exists ?? statExists)) warn(w);
  return resolved;
}
