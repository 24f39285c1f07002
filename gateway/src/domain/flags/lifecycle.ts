/**
 * How a flag follows its findings and the people handling it (docs/rules.md, "Lifecycle"). Pure: the store calls
 * these inside its transaction.
 */
import { flagId, sameFinding, type Finding, type Flag, type FlagEvent, type FlagState } from './types.js';

const EVALUATION = 'rules';

/** The flag after an evaluation found `finding` (prev: the stored flag, if any), and the events it adds. */
export function applyFinding(prev: Flag | undefined, finding: Finding, at: number): { flag: Flag; events: FlagEvent['kind'][] } | undefined {
  if (prev === undefined) {
    const events: FlagEvent[] = [{ kind: 'raised', at, by: EVALUATION }];
    if (!finding.active) events.push({ kind: 'cleared', at, by: EVALUATION });
    return { flag: { ...finding, id: flagId(finding.rule, finding.subject), state: 'open', withdrawn: false, raisedAt: at, updatedAt: at, events }, events: events.map((e) => e.kind) };
  }
  const { id: _id, state, withdrawn, raisedAt, updatedAt: _u, events: history, ...prevFinding } = prev;
  if (!withdrawn && sameFinding(prevFinding, finding)) return undefined;
  // An ongoing condition moves its end and figures with every reading: kept, but not an event (the order hub would
  // get one per reading). What a reader acts on is: severity, activity, when it was met, a new episode, who it touches.
  if (!withdrawn && !materiallyDifferent(prevFinding, finding)) {
    return { flag: { ...finding, id: prev.id, state, withdrawn: false, raisedAt, updatedAt: at, events: history }, events: [] };
  }
  const added: FlagEvent[] = [];
  if (withdrawn) added.push({ kind: 'raised', at, by: EVALUATION, comment: 'the data shows it again' });
  else added.push({ kind: 'updated', at, by: EVALUATION });
  if (prev.active && !finding.active) added.push({ kind: 'cleared', at, by: EVALUATION });
  if (!prev.active && finding.active && !withdrawn) added.push({ kind: 'reactivated', at, by: EVALUATION });
  let next: FlagState = state;
  // A resolved flag whose condition holds again is open again: the person who resolved it must look again.
  if (state === 'resolved' && finding.active && (!prev.active || withdrawn)) {
    next = 'open';
    added.push({ kind: 'reopened', at, by: EVALUATION, comment: 'the condition holds again' });
  }
  return { flag: { ...finding, id: prev.id, state: next, withdrawn: false, raisedAt, updatedAt: at, events: [...history, ...added] }, events: added.map((e) => e.kind) };
}

/** The flag once its finding is gone (a late reading or custody record changed the picture). */
export function withdraw(prev: Flag, at: number): { flag: Flag; events: FlagEvent['kind'][] } | undefined {
  if (prev.withdrawn) return undefined;
  const event: FlagEvent = { kind: 'withdrawn', at, by: EVALUATION, comment: 'the data no longer shows it' };
  return { flag: { ...prev, withdrawn: true, active: false, updatedAt: at, events: [...prev.events, event] }, events: ['withdrawn'] };
}

function materiallyDifferent(a: Finding, b: Finding): boolean {
  const key = (f: Finding): string => JSON.stringify([f.severity, f.active, f.metAtMs, f.episodes.length, f.title, f.params, f.related]);
  return key(a) !== key(b);
}

const MOVES: Record<FlagState, readonly FlagState[]> = { open: ['acknowledged', 'resolved'], acknowledged: ['resolved', 'open'], resolved: ['open'] };

/** A person's move; an error message when the move is not allowed. */
export function transition(prev: Flag, to: FlagState, by: string, comment: string | undefined, at: number): Flag | string {
  if (!MOVES[prev.state].includes(to)) return `a flag that is ${prev.state} cannot become ${to} (${prev.state} -> ${MOVES[prev.state].join(' | ')})`;
  const kind: FlagEvent['kind'] = to === 'open' ? 'reopened' : to;
  const event: FlagEvent = { kind, at, by, ...(comment !== undefined ? { comment } : {}) };
  return { ...prev, state: to, updatedAt: at, events: [...prev.events, event] };
}
