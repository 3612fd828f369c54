/**
 * What each VM backup code means, in Japanese (PULSE_LOCALE=ja): one short sentence per code of the
 * catalogue's VM scope, as the alerts say it after the code. Pure.
 */

/** What the code means, in Japanese, by canonical code (catalogue spelling). */
export const SUMMARIES_JA: Readonly<Record<string, string>> = {
  VMRestorePointInternalError:
    "スナップショットの作成中に内部エラーが発生しました。多くは VM のウイルス対策ソフトがバックアップ拡張機能 (IaaSBcdrExtension.exe) を妨げています。",
  CopyingVHDsFromBackUpVaultTakingLongTime:
    "バックアップ データのコンテナーへの転送に時間がかかりすぎました (ストレージのエラー、またはストレージ アカウントの IOPS 不足)。",
  UserErrorVmNotInDesirableState: "VM がバックアップできない状態 (失敗、または起動と停止の途中) でした。",
  UserErrorFsFreezeFailed:
    "fsfreeze がすべてのマウント ポイントを凍結できなかったため、ファイルシステム整合性のスナップショットを取得できませんでした。",
  ExtensionSnapshotFailedCOM:
    "COM+ System Application のエラーでスナップショットが失敗しました。VSS とバックアップ拡張機能は COM+ を使います。",
  ExtensionInstallationFailedCOM:
    "COM+ のエラーでバックアップ拡張機能のインストールまたは実行が失敗しました。",
  ExtensionInstallationFailedMDTC:
    "COM+ が分散トランザクション コーディネーター (MSDTC) に接続できず、バックアップ拡張機能のインストールが失敗しました。",
  ExtensionFailedVssWriterInBadState:
    "1 つ以上の VSS ライターが安定していなかった (またはディスク負荷でタイムアウトした) ため、スナップショットが失敗しました。",
  ExtensionFailedVssServiceInBadState:
    "ボリューム シャドウ コピー (VSS) サービス自体が異常な状態だったため、スナップショットが失敗しました。",
  UserErrorSkuNotAvailable: "選んだ VM サイズが提供されていないため、復元で VM を作成できませんでした。",
  UserErrorMarketPlaceVMNotSupported:
    "ディスクは復元されましたが、Marketplace のプランが提供終了のため VM は作成されませんでした。",
  ExtensionConfigParsingFailure:
    "MachineKeys フォルダーのアクセス許可が変更されたため、バックアップ拡張機能が構成を読み取れませんでした。",
  ExtensionStuckInDeletionState:
    "バックアップ拡張機能が削除中のまま止まっており、バックアップを妨げています。",
  ExtensionFailedSnapshotLimitReachedError:
    "ディスクの BLOB スナップショットが上限に達しているため、新しいスナップショットを取得できませんでした。",
  ExtensionFailedTimeoutVMNetworkUnresponsive:
    "スナップショット中の VM からのネットワーク呼び出しが遅すぎました。VM のリソース不足の兆候です。",
  ResourceNotFound: "コード 320001: 保護対象の VM がもう存在しないのに、バックアップが構成されたままです。",
  BCMV2VMNotFound: "コード 400094: 保護対象の VM が見つかりませんでした。",
  UserErrorVmNotFoundV2:
    "保護を停止しないまま、保護対象の VM が削除されたか、別のリソース グループまたはサブスクリプションに移動されました。",
  UserErrorBCMPremiumStorageQuotaError:
    "旧バックアップ スタックの Premium VM で、スナップショットをコピーする空きがストレージ アカウントにありませんでした。",
  AzureVmOffline:
    "コード 380008: VM エージェントがないか報告されていないため、Recovery Services 拡張機能をインストールできませんでした。電源状態ではなくエージェントの問題で、停止中の VM もバックアップされます。",
  ExtensionSnapshotBitlockerError:
    "VSS 操作のエラー: BitLocker でロックされたドライブを読み取れず、スナップショットが失敗しました。",
  VmNotInDesirableState:
    "VM がバックアップできる状態ではありませんでした。VM エージェントがない可能性もあります。",
  ExtensionSnapshotFailedNoSecureNetwork:
    "拡張機能が TLS の通信路を開けなかったため、スナップショットが失敗しました。",
  ExtensionVCRedistInstallationFailure:
    "拡張機能が必要とする Visual C++ ランタイムをインストールできず、スナップショットが失敗しました。",
  UserErrorRequestDisallowedByPolicy:
    "Azure Policy (多くは Deny 効果のタグ規則) がスナップショット用リソース グループの操作を拒否しています。",
  UserErrorUnableToOpenMount:
    "拡張機能が一部のマウント ポイントを開けず、ディスクの対応付けやスナップショットができません。",
  UserErrorInstantRpNotFound:
    "この即時復旧ポイントのスナップショットは、コンテナーに転送される前に削除されました。",
  UserErrorMigrationFromTrustedLaunchVMToNonTrustedVMNotAllowed:
    "VM がトラステッド起動から標準に変わったか、削除したトラステッド起動 VM の名前を再利用しているため、バックアップを構成できません。",
  UserErrorCrossSubscriptionRestoreNotSupportedForOLR:
    "元の場所への復元では別のサブスクリプションを指定できません。",
  UserErrorCrossSubscriptionRestoreNotSupportedForUnManagedAzureVM:
    "アンマネージド ディスクの VM は別のサブスクリプションに復元できません。",
  UserErrorCrossSubscriptionRestoreNotSupportedForCRR:
    "サブスクリプション間の復元とリージョン間の復元は同時に行えません。",
  UserErrorCrossSubscriptionRestoreNotSupportedFromSnapshot:
    "スナップショット層の復旧ポイントは別のサブスクリプションに復元できません。",
  UserErrorCrossSubscriptionRestoreInvalidTenant:
    "復元先のサブスクリプションが別の Microsoft Entra テナントに属しています。",
  UserErrorCrossSubscriptionRestoreInvalidTargetSubscription:
    "復元先のサブスクリプションに Recovery Services リソース プロバイダーが登録されていません。",
  UserErrorCrossSubscriptionRestoreNotSupportedForEncryptedAzureVM:
    "暗号化された VM は別のサブスクリプションに復元できません。",
  UserErrorCrossSubscriptionRestoreNotSupportedForTrustedLaunchAzureVM:
    "トラステッド起動の VM は別のサブスクリプションに復元できません。",
  UserErrorGuestAgentStatusUnavailable:
    "VM エージェントが Azure Backup と通信できない (停止、古い、破損、未インストール) ため、スナップショットを開始できません。",
  GuestAgentSnapshotTaskStatusError:
    "サービスが VM エージェントからスナップショットの状態を読み取れませんでした。",
  UserErrorVmProvisioningStateFailed:
    "VM のプロビジョニング状態が失敗 (または更新中) です。多くは拡張機能の失敗が原因です。",
  UserErrorRpCollectionLimitReached:
    "VM の即時復旧ポイントが上限の 18 個に達しました。多くは AzureBackupRG_* のロックが整理を妨げています。",
  UserErrorKeyvaultPermissionsNotConfigured:
    "この暗号化 (ADE) VM のバックアップに必要なキー コンテナーへのアクセス権が Azure Backup にありません。",
  ExtensionSnapshotFailedNoNetwork:
    "バックアップ拡張機能が必要な Azure のエンドポイントに到達できませんでした。",
  ExtensionOperationFailedForManagedDisks:
    "VMSnapshot 拡張機能がスナップショットを開始できないか、その状態を報告できませんでした。",
  ExtentionOperationFailed:
    "ExtensionOperationFailedForManagedDisks の古い (綴りの誤った) 形です。VMSnapshot 拡張機能の操作が失敗しました。",
  BackUpOperationFailed:
    "内部エラーでバックアップが止まりました。多くはエージェント、拡張機能、ロックの問題が背景にあります。",
  BackUpOperationFailedV2:
    "内部エラーでバックアップが止まりました。VM を Standard ポリシーから Enhanced ポリシーに移した後にも見られます。",
  UserErrorUnsupportedDiskSize:
    "Azure Backup がサポートするサイズ (32 TB、暗号化ディスクは 4 TB) を超えるディスクがあります。",
  UserErrorBackupOperationInProgress:
    "この項目の別のバックアップ (以前のコンテナーのものを含む) がまだ実行中でした。",
  UserErrorCrpReportedUserError:
    "包括的なコードです。コンピューティング プラットフォームが VM のエラーを報告しました。原因はジョブのエラー詳細にあります。",
  UserErrorBcmDatasourceNotPresent: "VM は保護されていません (保護の停止または一時停止)。",
  UserErrorStandardSSDNotSupported:
    "以前のコードです。Standard SSD は以前はサポート外でしたが現在はサポートされているため、想定外のエラーです。",
  UserErrorEncryptedVmNotSupportedWithDiskEx:
    "暗号化された VM ではディスクをバックアップから除外できません。",
  DiskEncryptionInternalError:
    "暗号化された VM の復元が失敗しました。必要なキー コンテナーのキーまたはシークレットがありません。",
  BCMProtGetSaSUriAsyncError:
    "カスタマー マネージド キーへのアクセス権がないため、コンテナーがバックアップ用のストレージを取得できませんでした。",
  "Pre-ScriptExecutionFailed":
    "Linux のプレスクリプトがエラーで終了したため、アプリケーションが静止されていない可能性があります。",
  "Post-ScriptExecutionFailed":
    "Linux のポストスクリプトがエラーで終了しました。アプリケーションが一時停止したままの可能性があります。",
  "Pre-ScriptNotFound": "プラグイン構成に指定したパスにプレスクリプトがありません。",
  "Post-ScriptNotFound": "プラグイン構成に指定したパスにポストスクリプトがありません。",
  IncorrectPluginhostFile:
    "VMSnapshotLinux 拡張機能の Pluginhost ファイルが壊れているため、スクリプトを実行できません。",
  IncorrectJSONConfigFile:
    "/etc/azure/VMSnapshotScriptPluginConfig.json を読み取れないため、スクリプトを実行できません。",
  "InsufficientPermissionforPre-Script":
    "プレスクリプトの所有者が root でないか、モードが 700 でないため、実行されませんでした。",
  "InsufficientPermissionforPost-Script":
    "ポストスクリプトの所有者が root でないか、モードが 700 でないため、実行されませんでした。",
  "Pre-ScriptTimeout": "プレスクリプトが timeoutInSeconds を超えて実行されました。",
  "Post-ScriptTimeout": "ポストスクリプトが timeoutInSeconds を超えて実行されました。",
  VMAgentStatusCommunicationError:
    "復元ポイント層: VM がエージェントや拡張機能の状態を報告していません (エージェントの停止、古い、破損、未インストール)。",
  VMRestorePointClientError:
    "復元ポイント層の包括的なコードです。メッセージが原因 (COM+、VSS ライター、VC++ ランタイム、スナップショットの上限、MSDTC、リソース、ネットワーク、共有ディスク) を示します。",
  DiskRestorePointClientError:
    "復元ポイント層: ディスクの DiskEncryptionSet が使うキー コンテナーがもう存在しません。",
  OperationNotAllowed:
    "復元ポイント層: 復元ポイントの作成中に VM が変更された (ディスクの接続や切断) か、割り当てられていないディスクがあります。",
};
