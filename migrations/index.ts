// Every migration, in order. Listed explicitly (not globbed) so that tsc and vitest both load them;
// test/schema.test.ts fails if an entity change has no migration here.
import { Initial1795298023194 } from './1795298023194-Initial';
import { WarningSeqAtCommit1795300000000 } from './1795300000000-WarningSeqAtCommit';
import { Registry1796114719162 } from './1796114719162-Registry';
import { RegistryStatisticsIndexes1796117673434 } from './1796117673434-RegistryStatisticsIndexes';

export const MIGRATIONS = [Initial1795298023194, WarningSeqAtCommit1795300000000, Registry1796114719162, RegistryStatisticsIndexes1796117673434];
