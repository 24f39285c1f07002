export * from './errors.js';
export type { ReadingReader, ReadingWriter } from './remote.js';
export { READING_FIELDS, toLineProtocol, toPoint } from './schema.js';
export * from './v1.js';
export * from './v2-writer.js';
export * from './victoria-reader.js';
export * from './remote-store.js';
