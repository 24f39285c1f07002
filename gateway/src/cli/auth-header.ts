/**
 * The API key a CLI sends (docs/security.md "HTTP access"): `--key`, else $COLDTRACE_API_KEY; none sends no header
 * (a gateway with COLDTRACE_HTTP_AUTH=off needs none).
 */
export const KEY_OPTION = { key: { type: 'string', default: process.env.COLDTRACE_API_KEY ?? '' } } as const;

export function authHeader(key: string | undefined): Record<string, string> {
  return key === undefined || key === '' ? {} : { authorization: `Bearer ${key}` };
}
