/**
 * The active language's messages (`t`) and the language itself. Components read every string from `t`;
 * it follows `setLocale`, so a switch re-renders the page in place.
 */
export { t, locale, setLocale, initialLocale, formatNumber, formatDate, withLanguage, LOCALES, LANG_PARAM, type Locale } from './locale.svelte';
