/** Entry point of the page: wires the API client to the live page controller. */
import { ApiClient } from './api.js';
import { LivePage } from './live-page.js';
import { ChartPanel } from './chart-panel.js';
import { Views } from './views.js';

const page = new LivePage(document, new ApiClient());
page.start();
window.addEventListener('pagehide', () => page.stop());

// History charts (1 h / 24 h / 7 d, min-max band and mean from GET /api/v1/series, #16).
const charts = new ChartPanel(document, new ApiClient());
charts.start();
window.addEventListener('pagehide', () => charts.stop());

// The Flags and Order views (#/flags, #/orders/ID): docs/dashboard.md.
const views = new Views(window, new ApiClient());
views.start();
window.addEventListener('pagehide', () => views.stop());
