/** Entry point of the page: signs in (sign-in.ts), then wires the API client to the live page controller. */
import { ApiClient } from './api.js';
import { LivePage } from './live-page.js';
import { LiveFollow } from './live-follow.js';
import { ChartPanel } from './chart-panel.js';
import { Views } from './views.js';
import { SignIn } from './sign-in.js';

const signIn = new SignIn(document, () => location.reload(), window.localStorage);
// null: the gateway did not answer; the views start and say so themselves.
const session = await signIn.session().catch(() => null);
if (session === undefined) {
  signIn.showForm();
} else {
  if (session !== null) signIn.apply(session);
  const onUnauthorized = (): void => signIn.showForm('Signed out: the key was revoked, or the gateway no longer knows it. Sign in again.');
  startViews(() => new ApiClient({ onUnauthorized }));
}

function startViews(api: () => ApiClient): void {
  const live = api();
  const page = new LivePage(document, live);
  page.start();
  // Committed readings pushed by the gateway (Server-Sent Events): the table reads again at once, not at its next poll.
  const follow = new LiveFollow(live.url('/api/v1/live/devices'), () => page.refreshNow());
  follow.start();
  window.addEventListener('pagehide', () => {
    page.stop();
    follow.stop();
  });

  // History charts (1 h / 24 h / 7 d, min-max band and mean from GET /api/v1/series, #16).
  const charts = new ChartPanel(document, api());
  charts.start();
  window.addEventListener('pagehide', () => charts.stop());

  // The Flags and Order views (#/flags, #/orders/ID): docs/dashboard.md.
  const views = new Views(window, api());
  views.start();
  window.addEventListener('pagehide', () => views.stop());
}
