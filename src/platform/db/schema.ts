import type { AccessTables } from '../../access/tables.js';
import type { DatasetTables } from '../../data/tables.js';
import type { PipelineTables } from '../../pipelines/tables.js';
import type { MonitoringTables } from '../../monitoring/tables.js';
import type { SurveyTables } from '../../survey/tables.js';
import type { JobTables } from '../queue/tables.js';
import type { TrackingTables } from '../../tracking/tables.js';
import type { ServingTables } from '../../serving/tables.js';
import type { TuningTables } from '../../tuning/tables.js';

/**
 * Every table of sdp, as Kysely sees it. Each domain declares its own tables next to its
 * code and adds them here, so the repositories of one domain never reach into another's.
 */
export interface Database
  extends
    JobTables,
    DatasetTables,
    TrackingTables,
    ServingTables,
    TuningTables,
    SurveyTables,
    AccessTables,
    PipelineTables,
    MonitoringTables {}
