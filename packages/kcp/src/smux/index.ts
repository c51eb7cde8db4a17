export * from './frame.js';
export * from './stream.js';
export * from './session.js';
