/** Entry point of the page: wires the API client to the live page controller. */
import { ApiClient } from './api.js';
import { LivePage } from './live-page.js';

const page = new LivePage(document, new ApiClient());
page.start();
window.addEventListener('pagehide', () => page.stop());
