/**
 * The columns backup-pulse's own job queries return (resource-specific tables joined with CoreAzureBackup,
 * and the legacy AzureDiagnostics query projected to the same names). The normaliser reads these, the
 * local Log Analytics endpoint serves them and the benchmark generates them.
 */
export const JOB_QUERY_COLUMNS = [
  { name: "TimeGenerated", type: "datetime" },
  { name: "JobUniqueId", type: "string" },
  { name: "JobStartDateTime", type: "datetime" },
  { name: "JobDurationInSecs", type: "real" },
  { name: "JobStatus", type: "string" },
  { name: "JobFailureCode", type: "string" },
  { name: "JobOperation", type: "string" },
  { name: "JobOperationSubType", type: "string" },
  { name: "BackupManagementType", type: "string" },
  { name: "VaultName", type: "string" },
  { name: "ResourceId", type: "string" },
  { name: "BackupItemUniqueId", type: "string" },
  { name: "BackupItemFriendlyName", type: "string" },
  { name: "ProtectedContainerName", type: "string" },
  { name: "ProtectedContainerOSType", type: "string" },
  { name: "DatasourceResourceId", type: "string" },
] as const;

/**
 * The two columns the `jobs-legacy` query adds after JOB_QUERY_COLUMNS. They are empty on job rows; at most one
 * extra row (with every job column empty) fills them when backup fields of the window's AzureDiagnostics
 * records were stored in the `AdditionalFields` property bag because that table had reached its 500 columns:
 * how many records, and the backup fields one of them carries there.
 */
export const LEGACY_SIGNAL_COLUMNS = [
  { name: "AdditionalFieldsRows", type: "long" },
  { name: "AdditionalFieldsKeys", type: "dynamic" },
] as const;
