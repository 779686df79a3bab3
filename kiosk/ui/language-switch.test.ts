import { describe, expect, it } from 'vitest';
import { nextLanguage } from './app.js';

describe("the header's language switch honours the kiosk's languages setting", () => {
  it('switches between Chinese and English when both are offered, in either order', () => {
    expect(nextLanguage('zh', ['zh', 'en'])).toBe('en');
    expect(nextLanguage('en', ['zh', 'en'])).toBe('zh');
    expect(nextLanguage('en', ['en', 'zh'])).toBe('zh');
  });

  it('offers no switch when the kiosk offers one language only', () => {
    expect(nextLanguage('zh', ['zh'])).toBeNull();
    expect(nextLanguage('en', ['en'])).toBeNull();
  });

  it('a session left in a language no longer offered switches to one that is', () => {
    expect(nextLanguage('en', ['zh'])).toBe('zh');
  });
});
