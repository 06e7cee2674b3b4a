/**
 * The page's language: English or Simplified Chinese. Chosen from a link's `lang=` parameter, else what
 * this browser remembered, else `navigator.languages` on a first visit. `t` reads the active dictionary,
 * so every component and derived value re-renders on a switch; nothing else (runs, charts, form values)
 * changes. The Chinese dictionary loads only when it is needed.
 */
import { en, type Messages } from './en';

export const LOCALES = ['en', 'zh-CN'] as const;
export type Locale = (typeof LOCALES)[number];

const STORAGE_KEY = 'descent.locale';
/** The URL parameter that carries the language in shared links (`#/lab?…&lang=zh-CN`). */
export const LANG_PARAM = 'lang';

const loaders: Record<Locale, () => Promise<Messages>> = {
  en: async () => en,
  'zh-CN': async () => (await import('./zh')).zh,
};

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** A browser language tag as one of ours: any Chinese tag reads Simplified Chinese, anything else English. */
export function localeOf(tag: string): Locale | null {
  const lower = tag.toLowerCase();
  if (lower === 'zh' || lower.startsWith('zh-') || lower.startsWith('zh_')) return 'zh-CN';
  if (lower === 'en' || lower.startsWith('en-')) return 'en';
  return null;
}

class LocaleState {
  current = $state<Locale>('en');
  messages = $state.raw<Messages>(en);
}

export const locale = new LocaleState();

/** The active language's messages; reading through it subscribes a component or `$derived` to the language. */
export const t: Messages = new Proxy({} as Messages, {
  get: (_, key) => locale.messages[key as keyof Messages],
  has: (_, key) => key in locale.messages,
  ownKeys: () => Reflect.ownKeys(locale.messages),
  getOwnPropertyDescriptor: (_, key) => Reflect.getOwnPropertyDescriptor(locale.messages, key),
});

function remembered(): Locale | null {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return isLocale(value) ? value : null;
  } catch {
    return null;
  }
}

/** The language a page opens in: the link's, else the remembered one, else the browser's. */
export function initialLocale(linkLang: string | null, languages: readonly string[]): Locale {
  if (linkLang !== null) {
    const fromLink = isLocale(linkLang) ? linkLang : localeOf(linkLang);
    if (fromLink) return fromLink;
  }
  const stored = remembered();
  if (stored) return stored;
  for (const tag of languages) {
    const found = localeOf(tag);
    if (found) return found;
  }
  return 'en';
}

/** Switches the page to `next`: loads its dictionary, sets `<html lang>`, and remembers it in this browser. */
export async function setLocale(next: Locale, remember = true): Promise<void> {
  const messages = await loaders[next]();
  locale.messages = messages;
  locale.current = next;
  if (typeof document !== 'undefined') document.documentElement.lang = next;
  if (remember) {
    try {
      localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // Storage blocked (private mode): the choice lasts for this page only.
    }
  }
}

/** Numbers in the active language's format (digit grouping, decimal sign). */
export function formatNumber(value: number, options?: Intl.NumberFormatOptions): string {
  return value.toLocaleString(locale.current, options);
}

/** A date and time in the active language's format. */
export function formatDate(value: string | number | Date, options?: Intl.DateTimeFormatOptions): string {
  return new Date(value).toLocaleString(locale.current, options);
}

/** `href` with the page's language in its hash query, so a shared link opens in the same language. */
export function withLanguage(href: string): string {
  const url = new URL(href);
  const [path, query = ''] = url.hash.replace(/^#/, '').split('?');
  const params = new URLSearchParams(query);
  params.set(LANG_PARAM, locale.current);
  url.hash = `${path || '/'}?${params}`;
  return url.toString();
}
