/**
 * The Duty view (#/duty, issue #22): who is on duty now by each schedule, the open alarms with their escalation step
 * (acknowledging one stops its escalation), the silences in force, the latest delivery attempts with the provider's
 * answer, and the devices whose calibration is overdue, due within 30 days or missing (docs/calibration.md); a test
 * alarm per policy (GDP: alarm systems are tested), logged as a test. A gateway without a notification policy answers
 * 404: the view says notifications are off.
 */
import { ApiError, type ApiClient } from './api.js';
import { acknowledgeAlarm, activeSilences, calibrationStates, deliveries, openAlarms, roster, testAlarm, type Alarm, type Attempt, type DeviceCalibration, type Roster, type Silence, type TestAlarm } from './api-notifications.js';
import { h, timeEl } from './dom.js';
import { ACTOR_KEY } from './flags-page.js';
import { formatZoned, viewerZone } from './model-zone.js';

export class DutyPage {
  private readonly zone = viewerZone();
  private generation = 0;

  constructor(
    private readonly doc: Document,
    private readonly api: ApiClient,
    private readonly root: HTMLElement,
    private readonly storage: Pick<Storage, 'getItem' | 'setItem'> | undefined,
  ) {}

  async show(): Promise<void> {
    const doc = this.doc;
    const actor = h(doc, 'input', { id: 'duty-actor', name: 'actor', type: 'text', autocomplete: 'name', required: true, value: this.storage?.getItem(ACTOR_KEY) ?? '' });
    actor.addEventListener('input', () => this.storage?.setItem(ACTOR_KEY, actor.value.trim()));
    const refresh = h(doc, 'button', { type: 'button', id: 'duty-refresh' }, 'Refresh');
    refresh.addEventListener('click', () => void this.load());
    this.root.replaceChildren(
      h(doc, 'h2', { id: 'duty-title' }, 'On duty: alarms and notifications'),
      h(doc, 'div', { class: 'toolbar' }, h(doc, 'label', { for: 'duty-actor' }, 'Your name (recorded when you acknowledge)'), actor, refresh),
      h(doc, 'p', { id: 'duty-status', class: 'summary', role: 'status' }, 'Loading…'),
      h(doc, 'h3', {}, 'Who is on duty now'), h(doc, 'div', { id: 'duty-roster' }),
      h(doc, 'h3', {}, 'Open alarms'), h(doc, 'div', { id: 'duty-alarms', class: 'table-wrap' }),
      h(doc, 'h3', {}, 'Silences in force'), h(doc, 'div', { id: 'duty-silences' }),
      h(doc, 'h3', {}, 'Delivery log (latest 50 attempts)'), h(doc, 'div', { id: 'duty-log', class: 'table-wrap' }),
      h(doc, 'h3', {}, 'Test the alarm system'), h(doc, 'div', { id: 'duty-tests' }),
      h(doc, 'h3', {}, 'Calibration'), h(doc, 'div', { id: 'duty-calibration' }),
    );
    await this.load();
  }

  private async load(): Promise<void> {
    const gen = ++this.generation;
    const status = this.doc.getElementById('duty-status');
    if (status === null) return;
    let data: [Roster, Alarm[], Silence[], Attempt[]];
    try {
      data = await Promise.all([roster(this.api), openAlarms(this.api), activeSilences(this.api), deliveries(this.api, 50)]);
    } catch (err) {
      if (gen !== this.generation) return;
      status.textContent = err instanceof ApiError && err.status === 404
        ? 'Notifications are off: the gateway has no notification policy (COLDTRACE_NOTIFY_CONFIG).'
        : `The notifications could not be read: ${err instanceof Error ? err.message : String(err)}`;
      return;
    }
    if (gen !== this.generation) return;
    const [r, alarms, silences, log] = data;
    status.textContent = `${alarms.length} open alarm${alarms.length === 1 ? '' : 's'}, ${silences.length} silence${silences.length === 1 ? '' : 's'} in force, ${log.filter((a) => !a.ok).length} of the latest ${log.length} attempts failed.`;
    this.doc.getElementById('duty-roster')?.replaceChildren(this.rosterList(r));
    this.doc.getElementById('duty-alarms')?.replaceChildren(this.alarmTable(alarms));
    this.doc.getElementById('duty-silences')?.replaceChildren(this.silenceList(silences));
    this.doc.getElementById('duty-log')?.replaceChildren(this.logTable(log));
    this.doc.getElementById('duty-tests')?.replaceChildren(this.testList(r));
    // Calibration is the gateway's whether or not notifications are on; an older gateway without it shows nothing.
    const states = await calibrationStates(this.api).catch(() => undefined);
    if (gen === this.generation && states !== undefined) this.doc.getElementById('duty-calibration')?.replaceChildren(this.calibrationList(states));
  }

  private calibrationList(states: readonly DeviceCalibration[]): HTMLElement {
    const doc = this.doc;
    const attention = states.filter((s) => s.mark !== 'calibrated');
    if (attention.length === 0) return h(doc, 'p', { class: 'muted' }, `All ${states.length} devices calibrated, none due within 30 days.`);
    const words = { overdue: 'overdue since', 'due-soon': 'due', uncalibrated: 'no calibration certificate', calibrated: 'due' } as const;
    return h(doc, 'ul', { class: 'plain', id: 'duty-calibration-list' }, ...attention.map((s) => h(doc, 'li', { 'data-device': s.device, 'data-mark': s.mark },
      h(doc, 'strong', {}, s.device), ': ', h(doc, 'span', { class: `badge cal-${s.mark}` }, s.mark), ' ',
      words[s.mark], s.dueAt !== undefined ? ` ${s.dueAt}` : '', s.current !== undefined ? ` (certificate ${s.current.certificate}, ${s.current.laboratory})` : '')));
  }

  private when(ms: number): HTMLElement {
    return timeEl(this.doc, ms, formatZoned(ms, this.zone));
  }

  private rosterList(r: Roster): HTMLElement {
    const doc = this.doc;
    if (r.schedules.length === 0) return h(doc, 'p', { class: 'muted' }, 'No schedules.');
    return h(doc, 'ul', { class: 'plain', id: 'duty-roster-list' }, ...r.schedules.map((s) => h(doc, 'li', { 'data-schedule': s.id },
      h(doc, 'strong', {}, s.id), ` (${s.timeZone}): `, s.onDuty.length === 0 ? h(doc, 'span', { class: 'muted' }, 'nobody') : s.onDuty.map((p) => p.name).join(', '))));
  }

  private alarmTable(alarms: readonly Alarm[]): HTMLElement {
    const doc = this.doc;
    if (alarms.length === 0) return h(doc, 'p', { class: 'empty', id: 'duty-no-alarms' }, 'No open alarms.');
    return h(doc, 'table', { id: 'duty-alarm-table' },
      h(doc, 'thead', {}, h(doc, 'tr', {}, ...['Alarm', 'Where', 'Orders', 'Opened', 'Step', 'Next step', ''].map((t) => h(doc, 'th', { scope: 'col' }, t)))),
      h(doc, 'tbody', {}, ...alarms.map((a) => {
        const ack = h(doc, 'button', { type: 'button', class: 'duty-ack' }, 'Acknowledge');
        ack.addEventListener('click', () => void this.acknowledge(a, ack));
        return h(doc, 'tr', { 'data-alarm': a.id, 'data-status': a.status },
          h(doc, 'td', {}, h(doc, 'a', { href: `/api/v1/flags/${encodeURIComponent(a.flagId)}` }, a.info.title), h(doc, 'br'), h(doc, 'span', { class: 'small muted' }, `${a.info.severity}, ${a.info.subject}`)),
          h(doc, 'td', {}, [...a.info.zones, ...a.info.sites].join(', ')),
          h(doc, 'td', {}, a.info.orders.join(', ')),
          h(doc, 'td', {}, this.when(a.createdAt)),
          h(doc, 'td', { class: 'duty-step' }, a.status === 'held' ? `held (${a.heldBy ?? ''})` : String(a.step)),
          h(doc, 'td', {}, a.nextStepAt !== undefined ? this.when(a.nextStepAt) : '—'),
          h(doc, 'td', {}, ack));
      })));
  }

  /** The name given, or undefined after asking for it (it is recorded with what the person does). */
  private actor(): string | undefined {
    const input = this.doc.getElementById('duty-actor') as HTMLInputElement | null;
    const actor = input?.value.trim() ?? '';
    if (actor !== '') return actor;
    const status = this.doc.getElementById('duty-status');
    if (status !== null) status.textContent = 'Enter your name first: it is recorded with the acknowledgement or the test.';
    input?.focus();
    return undefined;
  }

  private testList(r: Roster): HTMLElement {
    const doc = this.doc;
    return h(doc, 'ul', { class: 'plain', id: 'duty-test-list' }, ...r.policies.map((p) => {
      const button = h(doc, 'button', { type: 'button', class: 'duty-test' }, 'Send a test alarm');
      button.addEventListener('click', () => void this.test(p.id, button));
      return h(doc, 'li', { 'data-policy': p.id }, h(doc, 'strong', {}, p.id), ` (${p.steps.length} step${p.steps.length === 1 ? '' : 's'}) `, button);
    }));
  }

  private async test(policy: string, button: HTMLButtonElement): Promise<void> {
    const actor = this.actor();
    if (actor === undefined) return;
    button.disabled = true;
    const res = await testAlarm(this.api, policy, actor).catch((err: unknown) => ({ status: 0, body: err }));
    await this.load();
    const status = this.doc.getElementById('duty-status');
    if (status === null) return;
    if (res.status !== 200) {
      status.textContent = `Test alarm not sent (${res.status}).`;
      return;
    }
    const t = res.body as TestAlarm;
    status.textContent = `Test alarm ${t.id}: ${t.messages.length} message${t.messages.length === 1 ? '' : 's'} to ${[...new Set(t.messages.map((m) => m.recipient))].join(', ') || 'nobody'}` +
      `${t.unreached.length > 0 ? `; nobody reachable at step ${t.unreached.join(', ')}` : ''}. Refresh to see them in the delivery log.`;
  }

  private async acknowledge(a: Alarm, button: HTMLButtonElement): Promise<void> {
    const actor = this.actor();
    const status = this.doc.getElementById('duty-status');
    if (actor === undefined) return;
    button.disabled = true;
    const res = await acknowledgeAlarm(this.api, a.id, actor).catch((err: unknown) => ({ status: 0, body: err }));
    if (res.status !== 200 && status !== null) status.textContent = `Not acknowledged (${res.status}).`;
    await this.load();
  }

  private silenceList(silences: readonly Silence[]): HTMLElement {
    const doc = this.doc;
    if (silences.length === 0) return h(doc, 'p', { class: 'muted', id: 'duty-no-silences' }, 'None.');
    return h(doc, 'ul', { class: 'plain' }, ...silences.map((s) => h(doc, 'li', { 'data-silence': s.id },
      [...(s.sites ?? []), ...(s.zones ?? []), ...(s.devices ?? [])].join(', '), s.rules !== undefined ? ` (${s.rules.join(', ')})` : '',
      ' until ', this.when(s.endsAt), `: ${s.reason} (${s.author})`)));
  }

  private logTable(log: readonly Attempt[]): HTMLElement {
    const doc = this.doc;
    if (log.length === 0) return h(doc, 'p', { class: 'empty' }, 'Nobody has been notified yet.');
    return h(doc, 'table', { id: 'duty-log-table' },
      h(doc, 'thead', {}, h(doc, 'tr', {}, ...['Time', 'Recipient', 'Channel', 'Address', 'Alarms', 'Result'].map((t) => h(doc, 'th', { scope: 'col' }, t)))),
      h(doc, 'tbody', {}, ...log.map((a) => h(doc, 'tr', { 'data-ok': String(a.ok), 'data-test': String(a.alarms.some((x) => x.startsWith('test:'))) },
        h(doc, 'td', {}, this.when(a.at)), h(doc, 'td', {}, a.recipient), h(doc, 'td', {}, a.channel), h(doc, 'td', {}, a.address),
        h(doc, 'td', {}, a.alarms.some((x) => x.startsWith('test:')) ? 'test' : String(a.alarms.length)), h(doc, 'td', { class: a.ok ? 'ok' : 'bad' }, a.ok ? 'delivered' : a.error ?? 'failed')))));
  }
}
