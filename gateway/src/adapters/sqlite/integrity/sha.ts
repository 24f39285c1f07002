/** SHA-256 for the integrity domain (domain/integrity/hash.ts takes it as a function). */
import { createHash } from 'node:crypto';
import type { Sha256 } from '../../../domain/integrity/hash.js';

export const sha256: Sha256 = (data) => createHash('sha256').update(data).digest();
