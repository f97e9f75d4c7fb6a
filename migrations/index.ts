import type { Knex } from 'knex';
import * as integrations from './20261121_0001_integrations.js';
import * as users from './20261121_0002_users.js';
import * as cases from './20261121_0003_cases.js';
import * as ingestLog from './20261121_0004_ingest_log.js';
import * as mailOutbox from './20261121_0005_mail_outbox.js';
import * as jobLeases from './20261121_0006_job_leases.js';
import * as slaPolicies from './20261121_0007_sla_policies.js';
import * as slaPoliciesDefaults from './20261121_0008_sla_policies_defaults.js';
import * as classificationLog from './20261121_0009_classification_log.js';
import * as idempotencyKeys from './20261121_0010_idempotency_keys.js';
import * as settings from './20261121_0011_settings.js';
import * as loginThrottle from './20261121_0012_login_throttle.js';
import * as ticketSlaPause from './20261121_0013_ticket_sla_pause.js';
import * as ticketListIndexes from './20261121_0014_ticket_list_indexes.js';
import * as slaClocks from './20261121_0015_sla_clocks.js';
import * as classificationModels from './20261121_0016_classification_models.js';
import * as importExternalIds from './20261121_0017_import_external_ids.js';
import * as reportIndexes from './20261121_0018_report_indexes.js';
import * as searchWords from './20261122_0019_search_words.js';
import * as reportRollups from './20261122_0020_report_rollups.js';
import * as openWorkIndex from './20261122_0021_open_work_index.js';
import * as caseTagList from './20261122_0022_case_tag_list.js';
import * as caseCustomFields from './20261205_0023_case_custom_fields.js';

export interface Migration {
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

/**
 * Every migration in order, by name. Listed rather than read from the folder so the same list
 * runs from TypeScript in tests and from the compiled build.
 */
export const migrations: ReadonlyArray<readonly [string, Migration]> = [
  ['20261121_0001_integrations', integrations],
  ['20261121_0002_users', users],
  ['20261121_0003_cases', cases],
  ['20261121_0004_ingest_log', ingestLog],
  ['20261121_0005_mail_outbox', mailOutbox],
  ['20261121_0006_job_leases', jobLeases],
  ['20261121_0007_sla_policies', slaPolicies],
  ['20261121_0008_sla_policies_defaults', slaPoliciesDefaults],
  ['20261121_0009_classification_log', classificationLog],
  ['20261121_0010_idempotency_keys', idempotencyKeys],
  ['20261121_0011_settings', settings],
  ['20261121_0012_login_throttle', loginThrottle],
  ['20261121_0013_ticket_sla_pause', ticketSlaPause],
  ['20261121_0014_ticket_list_indexes', ticketListIndexes],
  ['20261121_0015_sla_clocks', slaClocks],
  ['20261121_0016_classification_models', classificationModels],
  ['20261121_0017_import_external_ids', importExternalIds],
  ['20261121_0018_report_indexes', reportIndexes],
  ['20261122_0019_search_words', searchWords],
  ['20261122_0020_report_rollups', reportRollups],
  ['20261122_0021_open_work_index', openWorkIndex],
  ['20261122_0022_case_tag_list', caseTagList],
  ['20261205_0023_case_custom_fields', caseCustomFields],
];
