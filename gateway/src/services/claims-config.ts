/** The claims profile file (COLDTRACE_CLAIMS_CONFIG; docs/claims.md "Per carrier and lane"), read and checked at start. */
import { readClaimProfiles, type ClaimProfiles } from '../domain/rules/claim-params.js';
import { readConfigDocument } from './config-file.js';

/** The profiles in `path`, or undefined with every problem pushed to `problems`. */
export function loadClaimProfiles(path: string, problems: string[], key = 'COLDTRACE_CLAIMS_CONFIG'): ClaimProfiles | undefined {
  const doc = readConfigDocument(path, key, problems);
  if (doc === undefined) return undefined;
  const r = readClaimProfiles(doc);
  for (const p of r.problems) problems.push(`${key} (${path}): ${p}`);
  return r.problems.length === 0 ? r.profiles : undefined;
}
