export * from './topics.js';
export * from './metrics.js';
export * from './payloads.js';
export * from './feedback.js';
export * from './scan.js';
export * from './photo.js';
