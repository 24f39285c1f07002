import { describe, expect, it } from 'vitest';
import { SUMMARY_LANGS, langTag, summaryLang, summaryPath } from '../web/src/model-summary.js';

describe('the customer summary box model', () => {
  it('asks for the order in the language picked and the viewer\'s zone, escaped', () => {
    expect(summaryPath('ORD-RT-201', 'zh', 'Asia/Kolkata')).toBe('/api/v1/orders/ORD-RT-201/summary?lang=zh&tz=Asia%2FKolkata');
    expect(summaryPath('A/B 1', 'en', 'UTC')).toBe('/api/v1/orders/A%2FB%201/summary?lang=en&tz=UTC');
  });
  it.each([[null, 'en'], [undefined, 'en'], ['zh', 'zh'], ['en', 'en'], ['fr', 'en']] as const)('remembers %s as %s', (stored, lang) => {
    expect(summaryLang(stored)).toBe(lang);
  });
  it('names each language in itself and tags Chinese text as Simplified', () => {
    expect(SUMMARY_LANGS.map((l) => l.label)).toEqual(['EN', '中文']);
    expect([langTag('en'), langTag('zh')]).toEqual(['en', 'zh-Hans']);
  });
});
