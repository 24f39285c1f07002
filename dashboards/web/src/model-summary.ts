/**
 * The Order view's customer summary (docs/dashboard.md "Customer summary"): the sentences come from the gateway
 * (GET /api/v1/orders/{id}/summary) in the language picked and the viewer's zone; this is what the box needs besides.
 */

export type SummaryLang = 'en' | 'zh';

export interface SummarySentence {
  /** temperature, concern, hub, carrier, delivery or zone. */
  readonly kind: string;
  readonly text: string;
}

export interface OrderSummary {
  readonly order: string;
  readonly lang: SummaryLang;
  readonly tz: string;
  readonly sentences: readonly SummarySentence[];
}

/** The switch's buttons: each language named in itself, with the `lang` tag its text carries. */
export const SUMMARY_LANGS: readonly { readonly lang: SummaryLang; readonly label: string; readonly tag: string; readonly title: string }[] = [
  { lang: 'en', label: 'EN', tag: 'en', title: 'English' },
  { lang: 'zh', label: '中文', tag: 'zh-Hans', title: '简体中文 (Simplified Chinese)' },
];

/** Where the browser remembers the language last picked. */
export const SUMMARY_LANG_KEY = 'coldtrace.summaryLang';

/** A remembered language, or English. */
export function summaryLang(stored: string | null | undefined): SummaryLang {
  return stored === 'zh' ? 'zh' : 'en';
}

export function summaryPath(order: string, lang: SummaryLang, zone: string): string {
  return `/api/v1/orders/${encodeURIComponent(order)}/summary?lang=${lang}&tz=${encodeURIComponent(zone)}`;
}

/** The BCP 47 tag of a language's text (screen readers and fonts pick by it). */
export function langTag(lang: SummaryLang): string {
  return SUMMARY_LANGS.find((l) => l.lang === lang)?.tag ?? lang;
}
