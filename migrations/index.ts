// Every migration, in order. Listed explicitly (not globbed) so that tsc and vitest both load them;
// test/schema.test.ts fails if an entity change has no migration here.
import { Initial1795298023194 } from './1795298023194-Initial';
import { WarningSeqAtCommit1795300000000 } from './1795300000000-WarningSeqAtCommit';
import { AssetRangeReview1796114575152 } from './1796114575152-AssetRangeReview';
import { Registry1796114719162 } from './1796114719162-Registry';
import { RateLimits1796115476152 } from './1796115476152-RateLimits';
import { AuditLogQuery1796115476153 } from './1796115476153-AuditLogQuery';
import { SigningKeyRetirement1796115476154 } from './1796115476154-SigningKeyRetirement';
import { RegistryStatisticsIndexes1796117673434 } from './1796117673434-RegistryStatisticsIndexes';
import { AuthChangeNotify1796119254619 } from './1796119254619-AuthChangeNotify';
import { TaxiiCollections1796200000000 } from './1796200000000-TaxiiCollections';
import { StixProvenance1796300000000 } from './1796300000000-StixProvenance';
import { RangeExposures1796500000000 } from './1796500000000-RangeExposures';
import { IndicatorExposures1796600000000 } from './1796600000000-IndicatorExposures';
import { ExposureAtIngest1796700000000 } from './1796700000000-ExposureAtIngest';
import { WarningSeqUnderLock1796800000000 } from './1796800000000-WarningSeqUnderLock';
import { RangeWithdrawal1796900000000 } from './1796900000000-RangeWithdrawal';
import { WarningSeqQueue1796950000000 } from './1796950000000-WarningSeqQueue';
import { ReferencesPerStatement1797000000000 } from './1797000000000-ReferencesPerStatement';

export const MIGRATIONS = [
  Initial1795298023194,
  WarningSeqAtCommit1795300000000,
  AssetRangeReview1796114575152,
  Registry1796114719162,
  RateLimits1796115476152,
  AuditLogQuery1796115476153,
  SigningKeyRetirement1796115476154,
  RegistryStatisticsIndexes1796117673434,
  AuthChangeNotify1796119254619,
  TaxiiCollections1796200000000,
  StixProvenance1796300000000,
  RangeExposures1796500000000,
  IndicatorExposures1796600000000,
  ExposureAtIngest1796700000000,
  WarningSeqUnderLock1796800000000,
  RangeWithdrawal1796900000000,
  WarningSeqQueue1796950000000,
  ReferencesPerStatement1797000000000,
];
