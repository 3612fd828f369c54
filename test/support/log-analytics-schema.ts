/**
 * The Log Analytics schema backup-pulse's queries and documented queries are checked against: the Azure Backup
 * tables, the legacy AzureDiagnostics table and the `_AzureBackup_GetJobs()` system function, with the column
 * names and types Microsoft documents.
 *
 * Sources (dated copies; the live pages may list more columns):
 * - the Azure Monitor table reference (`azure-monitor-ref/includes/<table>-include.md` in
 *   MicrosoftDocs/azure-reference-other, 2023-08 to 2024-07) for the resource-specific backup tables;
 * - the AzureDiagnostics table reference (MicrosoftDocs/azure-monitor-docs,
 *   `articles/azure-monitor/reference/tables/azurediagnostics.md`): the columns every workspace's
 *   AzureDiagnostics table has at a minimum. Any other column (most `_s` backup fields among them) exists
 *   only in some workspaces, so a query must read it through `column_ifexists`. The page gives no type for
 *   `AdditionalFields`; it describes it as a dynamic property bag. `SubscriptionId` is listed twice (Guid and
 *   String); it is a string elsewhere, and taken as one here;
 * - "System functions on Azure Monitor Logs" (learn.microsoft.com/azure/backup/backup-reports-system-functions)
 *   for the parameters and output columns of `_AzureBackup_GetJobs()`.
 */

/** Columns every Log Analytics table has besides its own (Azure Monitor "Standard columns"). */
export const STANDARD_COLUMNS =
  "TimeGenerated:datetime, Type:string, SourceSystem:string, TenantId:string, _ResourceId:string, " +
  "_SubscriptionId:string, _BilledSize:real, _IsBillable:string";

/** Each table's own columns as `name:type` pairs (the standard columns are added to every one). */
export const TABLE_COLUMNS: Readonly<Record<string, string>> = {
  AddonAzureBackupJobs: `
    AdHocOrScheduledJob:string, ArchiveTierStorageReplicationType:string, AzureDataCenter:string,
    BackupItemFriendlyName:string, BackupItemId:string, BackupItemUniqueId:string,
    BackupManagementServerUniqueId:string, BackupManagementType:string, Category:string,
    DatasourceFriendlyName:string, DatasourceResourceId:string, DatasourceSetFriendlyName:string,
    DatasourceSetResourceId:string, DatasourceSetType:string, DatasourceType:string, DataTransferredInMB:real,
    ExtendedProperties:dynamic, JobDurationInSecs:real, JobFailureCode:string, JobOperation:string,
    JobOperationSubType:string, JobStartDateTime:datetime, JobStatus:string, JobUniqueId:string,
    OperationName:string, ProtectedContainerUniqueId:string, RecoveryJobDestination:string,
    RecoveryJobRPDateTime:datetime, RecoveryJobRPLocation:string, RecoveryLocationType:string,
    ResourceGroupName:string, ResourceId:string, SchemaVersion:string, State:string,
    StorageReplicationType:string, SubscriptionId:string, VaultName:string, VaultTags:string, VaultType:string,
    VaultUniqueId:string
  `,
  CoreAzureBackup: `
    AgentVersion:string, ArchiveTierLatestRecoveryPointLocation:string,
    ArchiveTierLatestRecoveryPointTime:datetime, ArchiveTierOldestRecoveryPointLocation:string,
    ArchiveTierOldestRecoveryPointTime:datetime, ArchiveTierStorageConsumedInMBs:real,
    ArchiveTierStorageReplicationType:string, AzureBackupAgentVersion:string, AzureDataCenter:string,
    BackupItemAppVersion:string, BackupItemFriendlyName:string, BackupItemFrontEndSize:real,
    BackupItemId:string, BackupItemName:string, BackupItemProtectionState:string, BackupItemType:string,
    BackupItemUniqueId:string, BackupManagementServerName:string, BackupManagementServerOSVersion:string,
    BackupManagementServerType:string, BackupManagementServerUniqueId:string,
    BackupManagementServerVersion:string, BackupManagementType:string, BillingGroupFriendlyName:string,
    BillingGroupUniqueId:string, Category:string, DatasourceFriendlyName:string,
    DatasourceResourceGroupName:string, DatasourceResourceId:string, DatasourceSetFriendlyName:string,
    DatasourceSetResourceId:string, DatasourceSetType:string, DatasourceSubscriptionId:string,
    DatasourceType:string, ExtendedProperties:dynamic, IsArchiveEnabled:bool,
    LatestRecoveryPointLocation:string, LatestRecoveryPointTime:datetime, OldestRecoveryPointLocation:string,
    OldestRecoveryPointTime:datetime, OperationName:string, PolicyId:string, PolicyName:string,
    PolicyUniqueId:string, ProtectedContainerFriendlyName:string, ProtectedContainerLocation:string,
    ProtectedContainerName:string, ProtectedContainerOSType:string, ProtectedContainerOSVersion:string,
    ProtectedContainerProtectionState:string, ProtectedContainerType:string, ProtectedContainerUniqueId:string,
    ProtectedContainerWorkloadType:string, ProtectionGroupName:string, ResourceGroupName:string,
    ResourceId:string, SchemaVersion:string, SecondaryBackupProtectionState:string, State:string,
    StorageConsumedInMBs:real, StorageReplicationType:string, SubscriptionId:string, VaultName:string,
    VaultTags:string, VaultType:string, VaultUniqueId:string
  `,
  AddonAzureBackupAlerts: `
    AlertCode:string, AlertConsolidationStatus:string, AlertOccurrenceDateTime:datetime, AlertRaisedOn:string,
    AlertSeverity:string, AlertStatus:string, AlertTimeToResolveInMinutes:real, AlertType:string,
    AlertUniqueId:string, BackupItemUniqueId:string, BackupManagementServerUniqueId:string,
    BackupManagementType:string, Category:string, CountOfAlertsConsolidated:int, OperationName:string,
    ProtectedContainerUniqueId:string, RecommendedAction:string, ResourceId:string, SchemaVersion:string,
    State:string, StorageUniqueId:string, VaultUniqueId:string
  `,
  AddonAzureBackupProtectedInstance: `
    ArchiveTierStorageConsumedInMBs:real, ArchiveTierStorageReplicationType:string, AzureDataCenter:string,
    BackupItemUniqueId:string, BackupManagementServerUniqueId:string, BackupManagementType:string,
    BillingGroupFriendlyName:string, BillingGroupResourceGroupName:string, BillingGroupType:string,
    BillingGroupUniqueId:string, Category:string, DatasourceType:string, ExtendedProperties:dynamic,
    OperationName:string, ProtectedContainerUniqueId:string, ProtectedInstanceCount:int,
    ResourceGroupName:string, ResourceId:string, SchemaVersion:string, SourceSizeInMBs:real, State:string,
    StorageConsumedInMBs:real, StorageReplicationType:string, SubscriptionId:string, VaultName:string,
    VaultTags:string, VaultType:string, VaultUniqueId:string
  `,
  AddonAzureBackupPolicy: `
    ArchiveTierDailyRetentionDuration:int, ArchiveTierDefaultRetentionDuration:int, ArchiveTieringDuration:int,
    ArchiveTieringDurationType:string, ArchiveTieringMode:string, ArchiveTierMonthlyRetentionDuration:int,
    ArchiveTierStorageReplicationType:string, ArchiveTierWeeklyRetentionDuration:int,
    ArchiveTierYearlyRetentionDuration:int, AzureDataCenter:string, BackupDaysOfTheWeek:string,
    BackupFrequency:string, BackupIntervalInHours:int, BackupManagementServerUniqueId:string,
    BackupManagementType:string, BackupTimes:string, Category:string, DailyRetentionDuration:int,
    DailyRetentionTimes:string, DatasourceType:string, DiffBackupDaysofTheWeek:string, DiffBackupFormat:string,
    DiffBackupRetentionDuration:int, DiffBackupTime:string, DifferentialBackupDaysOfTheWeek:string,
    DifferentialBackupFrequency:string, DifferentialBackupTimes:string, ExtendedProperties:dynamic,
    FullBackupDaysOfTheWeek:string, FullBackupFrequency:string, FullBackupTimes:string,
    IncrementalBackupDaysOfTheWeek:string, IncrementalBackupFrequency:string, IncrementalBackupTimes:string,
    LogBackupFrequency:int, LogBackupRetentionDuration:int, MonthlyRetentionDaysOfTheMonth:string,
    MonthlyRetentionDaysOfTheWeek:string, MonthlyRetentionDuration:int, MonthlyRetentionFormat:string,
    MonthlyRetentionTimes:string, MonthlyRetentionWeeksOfTheMonth:string, OperationName:string,
    PolicyId:string, PolicyName:string, PolicySubType:string, PolicyTimeZone:string, PolicyUniqueId:string,
    ResourceGroupName:string, ResourceId:string, RetentionDuration:int, RetentionType:string,
    ScheduleWindowDuration:int, ScheduleWindowStartTime:datetime, SchemaVersion:string,
    SnapshotTierDailyRetentionDuration:int, SnapshotTierDefaultRetentionDuration:int,
    SnapshotTierMonthlyRetentionDuration:int, SnapshotTierWeeklyRetentionDuration:int,
    SnapshotTierYearlyRetentionDuration:int, StandardTierDefaultRetentionDuration:int, State:string,
    StorageReplicationType:string, SubscriptionId:string, SynchronisationFrequencyPerDay:string,
    VaultName:string, VaultTags:string, VaultType:string, VaultUniqueId:string,
    WeeklyRetentionDaysOfTheWeek:string, WeeklyRetentionDuration:int, WeeklyRetentionTimes:string,
    YearlyRetentionDaysOfTheMonth:string, YearlyRetentionDaysOfTheWeek:string, YearlyRetentionDuration:int,
    YearlyRetentionFormat:string, YearlyRetentionMonthsOfTheYear:string, YearlyRetentionTimes:string,
    YearlyRetentionWeeksOfTheMonth:string
  `,
  AddonAzureBackupStorage: `
    ArchiveTierStorageConsumedInMBs:string, BackupItemUniqueId:string, BackupManagementServerUniqueId:string,
    BackupManagementType:string, Category:string, ExtendedProperties:dynamic, OperationName:string,
    PreferredWorkloadOnVolume:string, ProtectedContainerUniqueId:string, ResourceId:string,
    SchemaVersion:string, State:string, StorageAllocatedInMBs:real, StorageConsumedInMBs:real,
    StorageName:string, StorageTotalSizeInGBs:real, StorageType:string, StorageUniqueId:string,
    VaultUniqueId:string, VolumeFriendlyName:string
  `,
  AzureDiagnostics: `
    action_id_s:string, action_name_s:string, action_s:string, ActivityId_g:guid, AdditionalFields:dynamic,
    AdHocOrScheduledJob_s:string, application_name_s:string, audit_schema_version_d:real,
    avg_cpu_percent_s:string, avg_mean_time_s:string, backendHostname_s:string, Caller_s:string,
    callerId_s:string, CallerIPAddress:string, calls_s:string, Category:string, client_ip_s:string,
    clientInfo_s:string, clientIP_s:string, clientIp_s:string, clientIpAddress_s:string, clientPort_d:real,
    code_s:string, collectionName_s:string, conditions_destinationIP_s:string,
    conditions_destinationPortRange_s:string, conditions_None_s:string, conditions_protocols_s:string,
    conditions_sourceIP_s:string, conditions_sourcePortRange_s:string, CorrelationId:string,
    count_executions_d:real, cpu_time_d:real, database_name_s:string, database_principal_name_s:string,
    DatabaseName_s:string, db_id_s:string, direction_s:string, dop_d:real, duration_d:real,
    duration_milliseconds_d:real, DurationMs:long, ElasticPoolName_s:string, endTime_t:datetime,
    Environment_s:string, error_code_s:string, error_message_s:string, errorLevel_s:string,
    event_class_s:string, event_s:string, event_subclass_s:string, event_time_t:datetime, EventName_s:string,
    execution_type_d:real, executionInfo_endTime_t:datetime, executionInfo_exitCode_d:real,
    executionInfo_startTime_t:datetime, host_s:string, httpMethod_s:string, httpStatus_d:real,
    httpStatusCode_d:real, httpStatusCode_s:string, httpVersion_s:string, id_s:string,
    identity_claim_appid_g:guid, identity_claim_ipaddr_s:string, instanceId_s:string, interval_end_time_d:real,
    interval_start_time_d:real, ip_s:string, is_column_permission_s:string, isAccessPolicyMatch_b:bool,
    JobDurationInSecs_s:string, JobFailureCode_s:string, JobId_g:guid, jobId_s:string, JobOperation_s:string,
    JobOperationSubType_s:string, JobStartDateTime_s:string, JobStatus_s:string, JobUniqueId_g:guid,
    Level:string, log_bytes_used_d:real, logical_io_reads_d:real, logical_io_writes_d:real,
    LogicalServerName_s:string, macAddress_s:string, matchedConnections_d:real, max_cpu_time_d:real,
    max_dop_d:real, max_duration_d:real, max_log_bytes_used_d:real, max_logical_io_reads_d:real,
    max_logical_io_writes_d:real, max_num_physical_io_reads_d:real, max_physical_io_reads_d:real,
    max_query_max_used_memory_d:real, max_rowcount_d:real, max_time_s:string, mean_time_s:string,
    Message:string, min_time_s:string, msg_s:string, num_physical_io_reads_d:real, object_id_d:real,
    object_name_s:string, OperationName:string, OperationVersion:string, partitionKey_s:string,
    physical_io_reads_d:real, plan_id_d:real, policy_s:string, policyMode_s:string,
    primaryIPv4Address_s:string, priority_d:real, properties_enabledForDeployment_b:bool,
    properties_enabledForDiskEncryption_b:bool, properties_enabledForTemplateDeployment_b:bool,
    properties_s:string, properties_sku_Family_s:string, properties_sku_Name_s:string,
    properties_tenantId_g:guid, query_hash_s:string, query_id_d:real, query_max_used_memory_d:real,
    query_plan_hash_s:string, query_time_d:real, querytext_s:string, receivedBytes_d:real, Region_s:string,
    requestCharge_s:string, requestQuery_s:string, requestResourceId_s:string, requestResourceType_s:string,
    requestUri_s:string, reserved_storage_mb_s:string, Resource:string, resource_actionName_s:string,
    resource_location_s:string, resource_originRunId_s:string, resource_resourceGroupName_s:string,
    resource_runId_s:string, resource_subscriptionId_g:guid, resource_triggerName_s:string,
    resource_workflowId_g:guid, resource_workflowName_s:string, ResourceGroup:string, _ResourceId:string,
    ResourceProvider:string, ResourceType:string, response_rows_d:real, resultCode_s:string,
    ResultDescription:string, resultDescription_ChildJobs_s:string, resultDescription_ErrorJobs_s:string,
    resultMessage_s:string, ResultSignature:string, ResultType:string, rootCauseAnalysis_s:string,
    routingRuleName_s:string, rowcount_d:real, ruleName_s:string, RunbookName_s:string, RunOn_s:string,
    schema_name_s:string, sentBytes_d:real, sequence_group_id_g:guid, sequence_number_d:real,
    server_principal_sid_s:string, session_id_d:real, sizeKb_d:real, SourceSystem:string, sql_text_s:string,
    sslEnabled_s:string, start_time_t:datetime, startTime_s:string, startTime_t:datetime, statement_s:string,
    statement_sql_handle_s:string, status_s:string, Status_s:string, statusCode_s:string,
    storage_space_used_mb_s:string, StreamType_s:string, subnetId_s:string, subnetPrefix_s:string,
    SubscriptionId:string, succeeded_s:string, sum_calls_s:string, systemId_g:guid,
    target_database_principal_name_s:string, target_server_principal_name_s:string, Tenant_g:guid,
    TenantId:string, TimeGenerated:datetime, timeTaken_d:real, Type:string, type_s:string,
    user_defined_information_s:string, user_id_s:string, user_s:string, userAgent_s:string,
    vnetResourceGuid_g:guid, workflowId_s:string
  `,
};

export interface FunctionSchema {
  /** `(name:type, name:type = default, ...)` in KQL function-declaration syntax. */
  parameters: string;
  /** Output columns as `name:type` pairs. */
  columns: string;
}

/** `_AzureBackup_GetJobs()`: parameters in positional order, with their documented defaults. */
export const FUNCTIONS: Readonly<Record<string, FunctionSchema>> = {
  _AzureBackup_GetJobs: {
    parameters:
      "(RangeStart:datetime, RangeEnd:datetime, VaultSubscriptionList:string = '*', " +
      "VaultLocationList:string = '*', VaultList:string = '*', VaultTypeList:string = '*', " +
      "ExcludeLegacyEvent:bool = true, BackupSolutionList:string = '*', JobOperationList:string = '*', " +
      "JobStatusList:string = '*', JobFailureCodeList:string = '*', DatasourceSetName:string = '*', " +
      "BackupInstanceName:string = '*', ExcludeLog:bool = true)",
    columns: `
      UniqueId:string, OperationCategory:string, Operation:string, Status:string, ErrorTitle:string,
      StartTime:datetime, DurationInSecs:real, DataTransferredInMBs:real, RestoreJobRPDateTime:datetime,
      RestoreJobRPLocation:string, BackupInstanceUniqueId:string, BackupInstanceId:string,
      BackupInstanceFriendlyName:string, DatasourceResourceId:string, DatasourceFriendlyName:string,
      DatasourceType:string, BackupSolution:string, DatasourceSetFriendlyName:string,
      DatasourceSetResourceId:string, DatasourceSetType:string, VaultResourceId:string, VaultUniqueId:string,
      VaultName:string, VaultTags:string, VaultSubscriptionId:string, VaultLocation:string,
      VaultStore_StorageReplicationType:string, VaultType:string, TimeGenerated:datetime
    `,
  },
};

/** `a:string, b:real` (any spacing and line breaks) → [["a", "string"], ["b", "real"]]. */
export function columnPairs(list: string): [name: string, type: string][] {
  return list
    .split(",")
    .map((pair) => pair.trim())
    .filter((pair) => pair !== "")
    .map((pair) => {
      const [name = "", type = ""] = pair.split(":").map((part) => part.trim());
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || !/^[a-z]+$/.test(type)) {
        throw new Error(`not a name:type pair: "${pair}"`);
      }
      return [name, type];
    });
}
