import { InitialSchema1764100000000 } from './1764100000000-initial-schema.js';
import { AuditLog1764200000000 } from './1764200000000-audit-log.js';

/** Listed explicitly (no globs) so the same list works from TypeScript sources and from dist/. */
export const migrations = [InitialSchema1764100000000, AuditLog1764200000000];
