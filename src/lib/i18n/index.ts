import { en, type Messages } from './en';

/** The active language's messages. Only English exists yet; components read every string from here. */
export const t: Messages = en;
