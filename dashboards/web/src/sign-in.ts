/**
 * Signing in to the dashboard with an API key (docs/security.md "HTTP access"). The key goes once to
 * POST /api/v1/session, which sets it as an HttpOnly SameSite=Strict cookie: the page's scripts never keep it, and
 * every request (fetch, links to evidence files) carries it. The role decides what the page shows: the root element's
 * `data-access` lists what the role may do (`read operate ...`) and styles.css hides the rest (a viewer sees no
 * acknowledge or resolve buttons). A 401 at any time brings the sign-in form back.
 */
import { h } from './dom.js';
import { ACTOR_KEY } from './flags-page.js';

export type Role = 'viewer' | 'operator' | 'integration' | 'admin';

export interface Session {
  readonly keyId: string;
  readonly name: string;
  readonly role: Role;
  /** 'off': the gateway checks no key (COLDTRACE_HTTP_AUTH=off). */
  readonly auth: 'keys' | 'off';
}

/** What each role may do, as the gateway's access levels (gateway/src/http/access.ts). */
export const ROLE_ACCESS: Readonly<Record<Role, readonly string[]>> = {
  viewer: ['read'],
  operator: ['read', 'operate'],
  integration: ['read', 'integrate'],
  admin: ['read', 'operate', 'integrate', 'admin'],
};

/** The header a call that changes something sends with the session cookie (gateway/src/http/auth.ts CSRF_HEADER). */
export const CSRF_HEADER = 'x-coldtrace-csrf';

export class SignIn {
  private shown = false;

  constructor(
    private readonly doc: Document,
    /** Starts the page over once signed in or out (location.reload in the page). */
    private readonly restart: () => void,
    private readonly storage: Storage | undefined,
    private readonly baseUrl = '',
  ) {}

  /** Who the page is signed in as; undefined: nobody (401). Throws when the gateway cannot be reached. */
  async session(): Promise<Session | undefined> {
    const res = await fetch(`${this.baseUrl}/api/v1/session`, { headers: { accept: 'application/json' }, cache: 'no-store' });
    if (res.status === 401) return undefined;
    if (!res.ok) throw new Error(`/api/v1/session: HTTP ${res.status}`);
    return (await res.json()) as Session;
  }

  /** Shows who is signed in, with a sign-out button, and lets the styles hide what the role may not do. */
  apply(s: Session): void {
    const root = this.doc.documentElement;
    root.dataset['role'] = s.role;
    root.dataset['access'] = ROLE_ACCESS[s.role].join(' ');
    root.dataset['auth'] = s.auth;
    // Moves on flags are recorded under the key's name (the gateway ignores a name the page sends).
    if (s.auth === 'keys') this.storage?.setItem(ACTOR_KEY, s.name);
    const signOut = h(this.doc, 'button', { type: 'button', id: 'sign-out' }, 'Sign out');
    signOut.addEventListener('click', () => void this.signOut());
    const who = s.auth === 'off'
      ? h(this.doc, 'span', { id: 'signed-in', 'data-role': s.role }, 'No sign-in: the gateway checks no key (COLDTRACE_HTTP_AUTH=off).')
      : h(this.doc, 'span', { id: 'signed-in', 'data-role': s.role }, 'Signed in as ', h(this.doc, 'strong', {}, s.name), ` (${s.role}) `, signOut);
    this.doc.querySelector('.status-line')?.append(who);
  }

  /** Replaces the page with the sign-in form (once), with why. */
  showForm(reason?: string): void {
    if (this.shown) return;
    this.shown = true;
    const doc = this.doc;
    for (const el of doc.querySelectorAll<HTMLElement>('main, nav.views')) el.hidden = true;
    const key = h(doc, 'input', { id: 'sign-in-key', name: 'key', type: 'password', autocomplete: 'current-password', required: true, spellcheck: 'false' });
    const message = h(doc, 'p', { id: 'sign-in-message', role: 'alert' }, reason ?? '');
    const form = h(doc, 'form', { id: 'sign-in', 'aria-labelledby': 'sign-in-title' },
      h(doc, 'h2', { id: 'sign-in-title' }, 'Sign in'),
      h(doc, 'p', { class: 'muted' }, 'Paste your API key (ctk_…). npm start prints one; an admin makes more (docs/security.md).'),
      h(doc, 'label', { for: 'sign-in-key' }, 'API key'), key,
      h(doc, 'button', { type: 'submit' }, 'Sign in'),
      message);
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      void this.signIn(key.value.trim(), message);
    });
    doc.body.append(form);
    key.focus();
  }

  private async signIn(key: string, message: HTMLElement): Promise<void> {
    try {
      const res = await fetch(`${this.baseUrl}/api/v1/session`, {
        method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify({ key }),
      });
      if (res.ok) {
        this.restart();
        return;
      }
      const body = (await res.json().catch(() => ({}))) as { message?: string };
      message.textContent = `Not signed in: ${body.message ?? `HTTP ${res.status}`}.`;
    } catch (err) {
      message.textContent = `Not signed in: ${err instanceof Error ? err.message : String(err)}`;
    }
  }

  private async signOut(): Promise<void> {
    await fetch(`${this.baseUrl}/api/v1/session`, { method: 'DELETE', headers: { [CSRF_HEADER]: '1' } }).catch(() => undefined);
    this.restart();
  }
}
