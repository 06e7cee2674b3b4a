export { Session, type TestSink } from './session';
export type { ImportSummary } from './io';
export { SessionTools } from './tools';
export * from './snapshot';
