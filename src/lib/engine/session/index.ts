export { Session, type ImportSummary, type TestSink } from './session';
export { SessionTools } from './tools';
export * from './snapshot';
