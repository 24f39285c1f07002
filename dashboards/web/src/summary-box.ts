/**
 * The Order view's "Customer summary" box: the order told in plain sentences as its customer reads them, with an
 * EN / 中文 switch (pressed buttons, keyboard reachable); the language picked is remembered by the browser.
 */
import type { ApiClient } from './api.js';
import { h } from './dom.js';
import { SUMMARY_LANG_KEY, SUMMARY_LANGS, langTag, summaryLang, summaryPath, type OrderSummary, type SummaryLang } from './model-summary.js';

export function summaryBox(doc: Document, api: ApiClient, order: string, zone: string, isCurrent: () => boolean): HTMLElement {
  const storage = doc.defaultView?.localStorage;
  let lang = summaryLang(storage?.getItem(SUMMARY_LANG_KEY));
  /** Bumped on each read: an answer in a language no longer picked is dropped. */
  let generation = 0;
  const list = h(doc, 'ul', { id: 'customer-summary-text', class: 'customer-summary-text', 'aria-live': 'polite' });
  const buttons = SUMMARY_LANGS.map((l) => {
    const b = h(doc, 'button', { type: 'button', 'data-lang': l.lang, lang: l.tag, title: l.title }, l.label);
    b.addEventListener('click', () => {
      lang = l.lang;
      storage?.setItem(SUMMARY_LANG_KEY, lang);
      void read();
    });
    return b;
  });
  const box = h(doc, 'section', { class: 'customer-summary', id: 'customer-summary', 'aria-labelledby': 'customer-summary-title' },
    h(doc, 'h3', { id: 'customer-summary-title' }, 'Customer summary'),
    h(doc, 'div', { class: 'toolbar', role: 'group', 'aria-label': 'Language' }, ...buttons),
    list);

  async function read(): Promise<void> {
    const gen = ++generation;
    const want: SummaryLang = lang;
    for (const b of buttons) b.setAttribute('aria-pressed', String(b.dataset['lang'] === want));
    list.setAttribute('aria-busy', 'true');
    let s: OrderSummary;
    try {
      s = await api.getJson<OrderSummary>(summaryPath(order, want, zone));
    } catch (err) {
      if (gen !== generation || !isCurrent()) return;
      list.replaceChildren(h(doc, 'li', { class: 'error-detail', role: 'alert' }, `The summary could not be read: ${err instanceof Error ? err.message : String(err)}`));
      list.removeAttribute('aria-busy');
      return;
    }
    if (gen !== generation || !isCurrent()) return;
    list.setAttribute('lang', langTag(want));
    list.replaceChildren(...s.sentences.map((x) => h(doc, 'li', { 'data-kind': x.kind }, x.text)));
    list.removeAttribute('aria-busy');
  }
  void read();
  return box;
}
