// The wire contract between the show server and every page: event names, typed payloads and the
// clock-sync client. Browser-safe (its own tsconfig has no Node types); the pages import nothing
// else from the server.

export * from './transport.ts';
export * from './events.ts';
export * from './views.ts';
export * from './crowd.ts';
export * from './cluster.ts';
export * from './clock-sync.ts';
export * from './studio-preview.ts';
export * from './chase.ts';
export * from './venue.ts';
export * from './standby.ts';
