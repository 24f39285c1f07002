/**
 * The Flags view: open and acknowledged flags, newest first, each with its severity, subject, orders and the moment
 * it was met (in the viewer's zone), and forms to acknowledge or resolve it with a comment. Who acts is the name
 * field, remembered in localStorage and sent as X-Coldtrace-Actor. The list is read when the view opens and after
 * each move, never behind the reader's back (a form being typed into is not replaced).
 */
import type { ApiClient } from './api.js';
import { moveFlag, unresolvedFlags, type Flag, type FlagAction } from './api-orders.js';
import { h, timeEl } from './dom.js';
import { lastHumanMove, movesFor, refusalText, severityLabel, sortNewestFirst, STATE_LABEL, subjectText } from './model-flags.js';
import { formatZoned, viewerZone, zoneNote } from './model-zone.js';

/** localStorage key of the name sent as X-Coldtrace-Actor. */
export const ACTOR_KEY = 'coldtrace.actor';

const ACTION_LABEL: Readonly<Record<FlagAction, string>> = { acknowledge: 'Acknowledge', resolve: 'Resolve' };
const DONE_LABEL: Readonly<Record<FlagAction, string>> = { acknowledge: 'Acknowledged', resolve: 'Resolved' };

export class FlagsPage {
  private readonly zone = viewerZone();

  constructor(
    private readonly doc: Document,
    private readonly api: ApiClient,
    private readonly root: HTMLElement,
    private readonly storage: Pick<Storage, 'getItem' | 'setItem'> | undefined,
  ) {}

  /** Builds the view's controls and reads the list. */
  async show(): Promise<void> {
    const doc = this.doc;
    const actor = h(doc, 'input', { id: 'actor-name', name: 'actor', type: 'text', autocomplete: 'name', required: true, value: this.storage?.getItem(ACTOR_KEY) ?? '' });
    actor.addEventListener('input', () => this.storage?.setItem(ACTOR_KEY, actor.value.trim()));
    const refresh = h(doc, 'button', { type: 'button', id: 'flags-refresh' }, 'Refresh');
    refresh.addEventListener('click', () => void this.load());
    this.root.replaceChildren(
      h(doc, 'h2', { id: 'flags-title' }, 'Flags'),
      h(doc, 'p', { class: 'muted' }, 'Open and acknowledged flags, newest first by the moment their condition was met. ', h(doc, 'span', { id: 'flags-zone' }, `${zoneNote(Date.now(), this.zone)}.`)),
      h(doc, 'div', { class: 'toolbar' }, h(doc, 'label', { for: 'actor-name' }, 'Your name (recorded with each move)'), actor, refresh),
      h(doc, 'p', { id: 'flags-status', class: 'summary', role: 'status' }, 'Loading…'),
      h(doc, 'div', { id: 'flags-list', class: 'flag-list' }),
    );
    await this.load();
  }

  private status(text: string): void {
    const el = this.doc.getElementById('flags-status');
    if (el !== null) el.textContent = text;
  }

  async load(note?: string): Promise<void> {
    const list = this.doc.getElementById('flags-list');
    if (list === null) return;
    try {
      const flags = sortNewestFirst(await unresolvedFlags(this.api));
      list.replaceChildren(...(flags.length === 0 ? [h(this.doc, 'p', { class: 'empty' }, 'No open flags.')] : flags.map((f) => this.card(f))));
      const open = flags.filter((f) => f.state === 'open').length;
      this.status(`${note !== undefined ? `${note} ` : ''}${flags.length} flag${flags.length === 1 ? '' : 's'}: ${open} open, ${flags.length - open} acknowledged.`);
    } catch (err) {
      this.status(`Flags could not be read: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private card(f: Flag): HTMLElement {
    const doc = this.doc;
    const slug = encodeURIComponent(f.id).replace(/[^A-Za-z0-9]/g, '_');
    const last = lastHumanMove(f.events);
    const message = h(doc, 'p', { class: 'flag-message', role: 'alert' });
    const comment = h(doc, 'textarea', { id: `comment-${slug}`, name: 'comment', rows: 2, maxlength: 4000 });
    const form = h(
      doc,
      'form',
      { class: 'flag-actions', 'aria-label': `Move flag ${f.title}` },
      h(doc, 'label', { for: `comment-${slug}` }, 'Comment'),
      comment,
      h(doc, 'div', { class: 'buttons' }, ...movesFor(f.state).map((a) => h(doc, 'button', { type: 'submit', name: 'action', value: a, 'data-action': a }, ACTION_LABEL[a]))),
    );
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const submitter = (ev as SubmitEvent).submitter;
      const action = submitter?.getAttribute('data-action');
      if (action === 'acknowledge' || action === 'resolve') void this.move(f, action, comment.value, form, message);
    });
    return h(
      doc,
      'article',
      { class: `flag severity-${f.severity}`, 'data-flag': f.id, 'data-state': f.state, 'data-severity': f.severity, 'aria-labelledby': `title-${slug}` },
      h(
        doc,
        'header',
        {},
        h(doc, 'span', { class: `badge severity-${f.severity}` }, severityLabel(f.severity)),
        ' ',
        h(doc, 'h3', { id: `title-${slug}` }, f.title),
        ' ',
        h(doc, 'span', { class: `badge flag-state state-${f.state}`, 'data-col': 'state' }, STATE_LABEL[f.state]),
      ),
      h(
        doc,
        'dl',
        { class: 'facts' },
        h(doc, 'dt', {}, 'Subject'), h(doc, 'dd', { 'data-col': 'subject' }, subjectText(f)),
        h(doc, 'dt', {}, 'Orders'), h(doc, 'dd', { 'data-col': 'orders' }, ...ordersLinks(doc, f.related.orders)),
        h(doc, 'dt', {}, 'Met at'), h(doc, 'dd', { 'data-col': 'met-at' }, timeEl(doc, f.metAtMs, formatZoned(f.metAtMs, this.zone))),
        h(doc, 'dt', {}, 'Rule'), h(doc, 'dd', {}, h(doc, 'code', {}, f.rule), f.active ? '' : ' (condition cleared)'),
        last !== undefined ? h(doc, 'dt', {}, 'Last move') : null,
        last !== undefined
          ? h(doc, 'dd', { 'data-col': 'last-move' }, `${last.kind} by ${last.by}, `, timeEl(doc, last.at, formatZoned(last.at, this.zone)), last.comment !== undefined ? `: “${last.comment}”` : '')
          : null,
      ),
      form,
      message,
    );
  }

  private async move(f: Flag, action: FlagAction, comment: string, form: HTMLFormElement, message: HTMLElement): Promise<void> {
    const actorInput = this.doc.getElementById('actor-name') as HTMLInputElement | null;
    const actor = actorInput?.value.trim() ?? '';
    if (actor === '') {
      message.textContent = 'Enter your name first: each move records who made it.';
      actorInput?.focus();
      return;
    }
    const buttons = [...form.querySelectorAll('button')];
    for (const b of buttons) b.disabled = true;
    message.textContent = '';
    try {
      const res = await moveFlag(this.api, f.id, action, comment, actor);
      if (res.ok) {
        await this.load(`${DONE_LABEL[action]} “${f.title}” (${subjectText(f)}).`);
        return;
      }
      message.textContent = refusalText(res.status, res.message);
      message.setAttribute('data-status', String(res.status));
    } catch (err) {
      message.textContent = `Not done: ${err instanceof Error ? err.message : String(err)}`;
    }
    for (const b of buttons) b.disabled = false;
  }
}

function ordersLinks(doc: Document, orders: readonly string[]): Array<Node | string> {
  if (orders.length === 0) return ['—'];
  return orders.flatMap((o, i) => [...(i > 0 ? [', '] : []), h(doc, 'a', { href: `#/orders/${encodeURIComponent(o)}` }, o)]);
}
