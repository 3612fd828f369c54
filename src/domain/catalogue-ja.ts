/**
 * The catalogue's advice in Japanese (PULSE_LOCALE=ja): one short line of what to do for every VM backup code
 * (VSS, pre/post scripts, agent, snapshot extension, network, VM state, disks, restores), each with the
 * `ja-jp` copy of its Learn page, and the further advice the alerts add (the VSS writer steps, SQL Server,
 * Linux scripts). A code missing here gets a line that points at its (Japanese) page. Pure.
 */
import type { Advice } from "./catalogue.js";
import { SUMMARIES_JA } from "./catalogue-ja-summaries.js";

/** The Japanese copy of a Learn page: the same path and anchor under `/ja-jp/`. */
export function jaLearnUrl(url: string): string {
  return url.replace(/^https:\/\/learn\.microsoft\.com\/(?!ja-jp\/)/, "https://learn.microsoft.com/ja-jp/");
}

/** What to do, in Japanese, by canonical code (catalogue spelling). */
export const ACTIONS_JA: Readonly<Record<string, string>> = {
  VMRestorePointInternalError:
    "ウイルス対策ソフトの対象から C:\\Packages\\Plugins と C:\\WindowsAzure\\Logs\\Plugins 配下の VMSnapshot フォルダーを除外し、ゲスト エージェントの状態を確かめてから再試行してください。",
  CopyingVHDsFromBackUpVaultTakingLongTime:
    "バックアップの開始時刻を分散し、負荷の高いストレージ アカウントを避けてから再試行してください。",
  UserErrorVmNotInDesirableState:
    "VM の起動や停止が終わるのを待ち、失敗状態を修復してから再試行してください。SELinux の Linux VM では /var/lib/waagent を除外します。",
  UserErrorFsFreezeFailed:
    "拡張機能のログで凍結できなかったマウントを特定し、fsck と再マウントで直すか古いエントリを削除してください。直せないマウントは /etc/azure/vmbackup.conf の MountsToSkip に指定します。",
  ExtensionSnapshotFailedCOM:
    "COM+ System Application サービスを再起動し、MSDTC を Network Service で実行してください (起動しない場合は再インストール)。その後バックアップを再試行します。",
  ExtensionInstallationFailedCOM:
    "COM+ System Application サービスを再起動し、MSDTC を Network Service で実行してください (起動しない場合は再インストール)。その後バックアップを再試行します。",
  ExtensionInstallationFailedMDTC:
    "COM+ System Application サービスを再起動し、MSDTC を Network Service で実行してください (起動しない場合は再インストール)。その後バックアップを再試行します。",
  ExtensionFailedVssWriterInBadState:
    "`vssadmin list writers` を実行し、[1] Stable でないライターのサービス、続いて VSS サービスを再起動してください。ライターが安定しない場合は VM を再起動してから再試行します。",
  ExtensionFailedVssServiceInBadState:
    "VSS サービスを再起動してください (net stop vss、net start vss)。直らない場合はメンテナンス時間に VM を再起動してから再試行します。",
  ExtensionConfigParsingFailure:
    "%systemdrive%\\ProgramData\\Microsoft\\Crypto\\RSA\\MachineKeys のアクセス許可を既定に戻し、古いクラシック CRP 証明書を削除してから再試行してください。",
  ExtensionStuckInDeletionState:
    "ゲスト エージェントが応答することを確かめ、ポータルで VMSnapshot 拡張機能をアンインストールしてください。次回のバックアップで再インストールされます。",
  ExtensionFailedSnapshotLimitReachedError:
    "不要なディスク BLOB のスナップショット (ディスク BLOB 本体は除く) を削除するか、論理的な削除の保持期間を短くしてください。Site Recovery 併用時は isanysnapshotfailed=False を設定します。",
  ExtensionFailedTimeoutVMNetworkUnresponsive:
    "HKLM\\SOFTWARE\\Microsoft\\BcdrAgentPersistentKeys に SnapshotMethod=firstHostThenGuest と CalculateSnapshotTimeFromHost=True を設定してください。改善しなければバックアップ時刻を変えるか VM のサイズを上げます。",
  ResourceNotFound:
    "同じ名前とリソース グループで VM を作り直すか、保護を停止してください (バックアップ データは保持も削除も選べます)。",
  BCMV2VMNotFound:
    "同じ名前とリソース グループで VM を作り直すか、保護を停止してください (バックアップ データは保持も削除も選べます)。",
  UserErrorVmNotFoundV2:
    "孤立した項目の保護を停止するか (不要なら課金を止めるためデータも削除)、VM の現在の場所で改めて保護を構成してください。",
  UserErrorBCMPremiumStorageQuotaError:
    "スナップショットのコピーが収まるよう Premium ストレージ アカウントの約半分を空けてから再試行してください。",
  AzureVmOffline:
    "Azure VM エージェントがインストールされ VM モデルに報告されていることを確かめてから再試行してください。停止中の VM も、エージェントが正常ならバックアップされます。",
  ExtensionSnapshotBitlockerError:
    "ドライブのロックを解除するか BitLocker を無効にし、VSS が動作することを確かめてから再試行してください。",
  VmNotInDesirableState:
    "VM が実行中か停止済みになるのを待ち、VM エージェントがなければインストールし、SELinux では /var/lib/waagent を除外してから再試行してください。",
  ExtensionSnapshotFailedNoSecureNetwork:
    "HKLM\\SOFTWARE\\Microsoft 配下の各 .NET Framework バージョンに DWORD 値 SchUseStrongCrypto=1 を追加してから再試行してください。",
  ExtensionVCRedistInstallationFailure:
    "VMSnapshot プラグイン フォルダーの vcredist をインストールしてください。失敗する場合は Msiserver の Start を 3 にし、msiexec を再登録してゲスト エージェントを再起動します。",
  UserErrorRequestDisallowedByPolicy:
    "ポリシーの効果を Deny から Modify に変えるか、AzureBackupRG_<geo>_<n> の命名規則どおりにリソース グループを自分で作成してください。",
  UserErrorUnableToOpenMount:
    "応答しないネットワーク共有など、古いマウントや停止したマウントを修復してすべてのマウント ポイントを開けるようにしてから再試行してください。",
  UserErrorGuestAgentStatusUnavailable:
    "ポータルで VM が実行中、エージェントが準備完了と表示されることを確かめ、ゲスト エージェント (Linux では waagent) を再起動または再インストールしてから再試行してください。",
  GuestAgentSnapshotTaskStatusError:
    "ゲスト エージェントを再起動または更新し、ゲストで DHCP が有効であること、AppLocker などが IaaSBcdrExtension.exe を妨げていないことを確かめてください。",
  UserErrorVmProvisioningStateFailed:
    "失敗した拡張機能を修復または削除し (削除した VMSnapshot は次回のバックアップで戻ります)、更新の完了を待ってから再試行してください。",
  UserErrorRpCollectionLimitReached:
    "AzureBackupRG リソース グループのロックを外し、オンデマンド バックアップで整理してください。Standard ポリシーでの 1 日複数回のバックアップは避けます。",
  UserErrorKeyvaultPermissionsNotConfigured:
    "Backup Management Service にキー コンテナーのキーとシークレットへのアクセスを許可してから (アクセス ポリシー テンプレート「Azure Backup」) 再試行してください。",
  ExtensionSnapshotFailedNoNetwork:
    "リージョンの Azure Storage と 168.63.129.16 (ポート 80、443、32526) への送信を許可し、プロキシと DHCP を確認してから再試行してください。",
  ExtensionOperationFailedForManagedDisks:
    "DHCP と VM の状態を確認し、ゲスト エージェントを再起動または更新し、VMSnapshot 拡張機能をアンインストールして入れ直させてから再試行してください。",
  ExtentionOperationFailed:
    "DHCP と VM の状態を確認し、ゲスト エージェントを再起動または更新し、VMSnapshot 拡張機能をアンインストールして入れ直させてから再試行してください。",
  BackUpOperationFailed:
    "数分後に再試行してください。続く場合はゲスト エージェント、DHCP、VM の状態、AzureBackupRG のロックを確認し、Windows では VC++ ランタイムを再インストールします。",
  BackUpOperationFailedV2:
    "数分後に再試行し、エージェント、DHCP、VM の状態、AzureBackupRG のロックを確認してください。Enhanced ポリシーへの移行後に始まった場合はサポートに連絡します。",
  UserErrorBackupOperationInProgress:
    "実行中のジョブ (以前のコンテナーのものも含む) の完了を待つか取り消してください。スケジュール実行が重なり続ける場合はスケジュールを見直します。",
  UserErrorCrpReportedUserError:
    "コンテナーでジョブを開き (バックアップ ジョブ、失敗)、内側のエラー メッセージに従って対処してください。",
  "Pre-ScriptExecutionFailed":
    "プレスクリプト自身のログを見て直し、次回のバックアップがアプリケーション整合性になることを確かめてください。",
  "Post-ScriptExecutionFailed":
    "アプリケーションの I/O が再開したことを確かめ、ポストスクリプト自身のログを見て直してください。",
  "Pre-ScriptNotFound":
    "/etc/azure/VMSnapshotScriptPluginConfig.json の preScriptLocation にプレスクリプトを置くか、パスを直してください。",
  "Post-ScriptNotFound":
    "/etc/azure/VMSnapshotScriptPluginConfig.json の postScriptLocation にポストスクリプトを置くか、パスを直してください。",
  IncorrectPluginhostFile:
    "VMSnapshotLinux 拡張機能をアンインストールしてください。次回のバックアップで新しいものがインストールされます。",
  IncorrectJSONConfigFile:
    "テンプレートの VMSnapshotScriptPluginConfig.json から作り直し、所有者 root、モード 600 で /etc/azure に戻してください。",
  "InsufficientPermissionforPre-Script":
    "プレスクリプトの所有者を root にし、モードを 700 にしてください (構成ファイルは root、600)。",
  "InsufficientPermissionforPost-Script":
    "ポストスクリプトの所有者を root にし、モードを 700 にしてください (構成ファイルは root、600)。",
  "Pre-ScriptTimeout":
    "プレスクリプトを速くするか、/etc/azure/VMSnapshotScriptPluginConfig.json の timeoutInSeconds (最大 1800) を増やしてください。",
  "Post-ScriptTimeout":
    "ポストスクリプトを速くするか、/etc/azure/VMSnapshotScriptPluginConfig.json の timeoutInSeconds (最大 1800) を増やしてください。",
  VMAgentStatusCommunicationError:
    "VM が実行中でエージェントが準備完了であることを確かめ、ゲスト エージェントを再起動または再インストールし、すべての拡張機能のプロビジョニング完了を確認してから再試行してください。",
  VMRestorePointClientError:
    "ジョブのエラー メッセージが示す原因に対処してください (COM+/MSDTC や不調な VSS ライターの再起動、スナップショットの削除、送信ネットワークの修正など)。",
  UserErrorSkuNotAvailable:
    "代わりにディスクを復元し、提供されているサイズでそのディスクから VM を作成してください。",
  UserErrorMarketPlaceVMNotSupported:
    "復元したディスクを既存の VM にデータ ディスクとして接続し、データを取り出してください。",
  UserErrorInstantRpNotFound: "別の復旧ポイントから復元してください。",
  UserErrorMigrationFromTrustedLaunchVMToNonTrustedVMNotAllowed:
    "データを削除して保護を停止し (その間は論理的な削除をオフ)、改めて保護してください。または別の VM 名かリソース グループを使います。",
  UserErrorCrossSubscriptionRestoreNotSupportedForOLR:
    "サブスクリプション間の復元には「新しい VM の作成」か「ディスクの復元」を使ってください。",
  UserErrorCrossSubscriptionRestoreNotSupportedForUnManagedAzureVM:
    "VM と同じサブスクリプションに復元してください。",
  UserErrorCrossSubscriptionRestoreNotSupportedForCRR:
    "サブスクリプション間の復元かリージョン間の復元のどちらか一方を選んでください。",
  UserErrorCrossSubscriptionRestoreNotSupportedFromSnapshot:
    "コンテナー層に保存されている復旧ポイントを選んでください。",
  UserErrorCrossSubscriptionRestoreInvalidTenant: "同じテナントのサブスクリプションに復元してください。",
  UserErrorCrossSubscriptionRestoreInvalidTargetSubscription:
    "復元先のサブスクリプションに Microsoft.RecoveryServices を登録してから (そこにコンテナーを作成すると登録されます) 再試行してください。",
  UserErrorCrossSubscriptionRestoreNotSupportedForEncryptedAzureVM:
    "暗号化された VM は元のサブスクリプション内に復元してください。",
  UserErrorCrossSubscriptionRestoreNotSupportedForTrustedLaunchAzureVM:
    "トラステッド起動の VM は元のサブスクリプション内に復元してください。",
  UserErrorUnsupportedDiskSize:
    "各ディスクを上限以下に保ってください (データを小さなディスクに分ける、サポートされる場合はそのディスクを除外するなど)。",
  UserErrorBcmDatasourceNotPresent: "VM の保護を再開してから再試行してください。",
  UserErrorStandardSSDNotSupported:
    "ディスクの種類を最新のサポート表で確認し、このコードが続く場合はサポートに連絡してください。",
  UserErrorEncryptedVmNotSupportedWithDiskEx:
    "ディスクの除外を解除し、暗号化された VM のすべてのディスクをバックアップしてください。",
  DiskEncryptionInternalError:
    "キーとシークレットをキー コンテナーに復元し、それを使って復元したディスクから VM を作成してください。",
  BCMProtGetSaSUriAsyncError:
    "コンテナーのマネージド ID に、キー コンテナーとキーへの必要なアクセス許可を付与してから再試行してください。",
  DiskRestorePointClientError:
    "DiskEncryptionSet が使うキー コンテナーを回復するか同じ名前で作り直してから再試行してください。",
  OperationNotAllowed: "VM の更新が終わってから再試行し、割り当てられていないディスクは除外してください。",
};

/**
 * Microsoft's Japanese Azure Backup support blog: what to collect when a backup fails, section 1-1 the VSS
 * logs (Azure VM Backup の VSS 障害調査に追加で必要なログ), the root-cause guide for VSS writer failures.
 */
export const JA_VSS_LOG_GUIDE =
  "https://jpabrs-scem.github.io/blog/RecoveryServicesVaults/RequestForInvestigating/#1-1";

/**
 * Further steps in Japanese by canonical code, most useful first (the catalogue's `steps`), each on the code's
 * own page unless it names another.
 */
export const STEPS_JA: Readonly<Record<string, readonly (string | Advice)[]>> = {
  ExtensionFailedVssWriterInBadState: [
    "VM のディスクの空き容量、メモリ (ページ ファイル)、CPU を確認し、不足していれば VM またはディスクのサイズを上げてください。",
    "ライターが安定しない場合は、HKLM\\SOFTWARE\\Microsoft\\BcdrAgentPersistentKeys に値 SnapshotWithoutThreads = True を設定してください。",
    "イベント ログにシャドウ コピーのタイムアウトがある場合は、バックアップのスケジュールを VM の IOPS が高い時間帯から外してください。",
    {
      text: "根本原因の調査には VSS のログを採取してください。Microsoft 以外のライターはそのベンダーに問い合わせます。",
      docUrl: JA_VSS_LOG_GUIDE,
    },
  ],
};

/** The advice the catalogue adds by situation (src/domain/catalogue.ts), in Japanese. */
export const HINTS_JA = {
  sqlServerVss:
    'この VM には SQL Server があります: HKLM\\SOFTWARE\\Microsoft\\BCDRAGENT の値 USEVSSCOPYBACKUP が文字列 "TRUE" に設定されているか確認してください。2022 年 12 月以降に SQL VM として登録された VM には Azure Backup が設定します。VSS バックアップがコピーのみになり、SQL のログ バックアップに影響しません。再起動は不要です。',
  linuxScripts:
    "Linux でアプリケーション整合性を得るには、/etc/azure/VMSnapshotScriptPluginConfig.json にプレ/ポストスクリプトを設定する必要があります (所有者 root、モード 600。スクリプトは所有者 root、モード 700)。設定がなければファイルシステム整合性が上限です。",
  enhancedScripts:
    "Oracle や MySQL では、拡張されたプレ/ポストスクリプト フレームワークのスクリプトがバックアップ拡張機能に含まれています。自分で書く代わりに /etc/azure/workload.conf にデータベースを記述してください。",
} as const;

/** The Japanese words of a code (any case), where the Japanese catalogue has them. */
export interface JaWords {
  summary?: string;
  action?: string;
  steps?: readonly (string | Advice)[];
}

const lower = <T>(table: Readonly<Record<string, T>>): ReadonlyMap<string, T> =>
  new Map(Object.entries(table).map(([code, value]) => [code.toLowerCase(), value]));
const ACTIONS = lower(ACTIONS_JA);
const SUMMARIES = lower(SUMMARIES_JA);
const STEPS = lower(STEPS_JA);

export function jaWords(code: string): JaWords {
  const key = code.toLowerCase();
  return { summary: SUMMARIES.get(key), action: ACTIONS.get(key), steps: STEPS.get(key) };
}
