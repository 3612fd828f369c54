/**
 * The digest and the alerts in Japanese (PULSE_LOCALE=ja), with the terms of Microsoft's Japanese Azure Backup
 * pages: アプリケーション整合性, ファイルシステム整合性, クラッシュ整合性, 警告付き完了. Pure.
 */
import type { GivenUpMessage, Messages } from "./types.js";

const LEARN = "https://learn.microsoft.com/ja-jp/azure/backup";

const CONSISTENCY: Messages["consistency"] = {
  application: "アプリケーション整合性",
  "file-system": "ファイルシステム整合性",
  crash: "クラッシュ整合性",
  none: "復旧ポイントなし",
  unknown: "不明",
};

const JOB_STATUS: Messages["jobStatus"] = {
  Completed: "完了",
  CompletedWithWarnings: "警告付き完了",
  Failed: "失敗",
  Cancelled: "取り消し",
};

/** A given-up message in Japanese; the error stays as the receiver gave it. */
function givenUpJa(r: GivenUpMessage): string {
  const what = r.digestDay !== null ? `${r.digestDay} のダイジェスト` : `アラート メッセージ ${r.key}`;
  const since = r.firstFailedAt ? ` ${r.firstFailedAt} から` : "";
  const why = r.error ? ` (最後のエラー: ${r.error})` : "";
  return `${what}は${since} ${r.attempts} 回送信に失敗したため、${r.givenUpAt ?? "不明な日時"} に再送を打ち切りました${why}`;
}

export const JA: Messages = {
  locale: "ja",
  tag: "ja-JP",
  product: "Backup pulse",
  day: (date) => {
    const [y, m, d] = date.split("-");
    return y && m && d ? `${y}年${Number(m)}月${Number(d)}日` : date;
  },
  status: { healthy: "正常", attention: "要確認", failing: "失敗あり", "no-data": "データなし" },
  consistency: CONSISTENCY,
  jobStatus: JOB_STATUS,
  category: {
    vss: "VSS",
    fsfreeze: "ファイルシステムの凍結・スクリプト",
    agent: "エージェント",
    extension: "拡張機能",
    network: "ネットワーク",
    "vm-state": "VM の状態",
    disk: "ディスク",
    access: "アクセス権",
    platform: "プラットフォーム",
    config: "構成",
    restore: "復元",
    unknown: "不明",
  },
  reason: {
    noWorkspace: "どのワークスペースも読み取れませんでした。バックアップの状態は不明です。",
    noReport: (day) => `${day} のバックアップ ジョブの報告が届いていません。バックアップの状態は不明です。`,
    emptyRead: (day, vms) =>
      `すべてのワークスペースが応答しましたが、${day} のバックアップ ジョブはありません (${vms} 台の VM のジョブが想定されています)。` +
      "ジョブの報告が届いていません (コンテナーの診断設定を確認してください)。バックアップの状態は不明です。",
    nothingYet: (day) =>
      `${day} のバックアップ ジョブは見つからず、既知の VM もまだありません。想定されるジョブはありません。` +
      "VM を保護している場合は、コンテナーがジョブの報告をワークスペースに送っているか (診断設定) を確認してください。",
    failingRate: (rate, threshold) =>
      `成功したバックアップ ジョブは ${rate} だけです (基準 ${threshold} 未満)。`,
    failingStreak: (vms, days) => `${vms} 台の VM が ${days} 日以上続けて失敗しています。`,
    attention: (parts) => `確認が必要です: ${parts.join("、")}。`,
    healthy: "すべての VM が想定どおりの整合性でバックアップされました。",
    failedJobs: (n) => `失敗したジョブ ${n} 件`,
    belowExpected: (n) => `想定を下回る整合性 ${n} 件`,
    vmsWithoutJob: (n) => `ジョブのない VM ${n} 台`,
    silentVaults: (n) => `報告のないコンテナー ${n} 個`,
    partial: "一部のデータのみ",
  },
  action: {
    failedWithoutCode: "コンテナーでジョブを開き、失敗の理由を確認してください。",
    belowWithoutCode:
      "VM エージェントと VSS (Windows)、またはプレ/ポストスクリプト (Linux) を確認してください。",
    unknownCode:
      "カタログにないコードです。Azure VM バックアップのトラブルシューティング ガイドで検索してください。",
    seeDoc: "対処方法はリンク先のドキュメントを参照してください。",
  },
  offlineNote:
    "バックアップ時に停止していた VM にはクラッシュ整合性の復旧ポイントが作られます。正常にシャットダウンしていれば問題ありません。",
  notes: {
    stopped: (names) =>
      `バックアップ時に停止中 (クラッシュ整合性): 正常にシャットダウンしていれば問題ありません: ${names}。`,
    running: (names) => `実行中にクラッシュ整合性 (代替の復旧ポイントで、想定を下回ります): ${names}。`,
    powerUnknown: (names) => `クラッシュ整合性。バックアップ時に VM が実行中だったかは不明です: ${names}。`,
    unconfirmed: (names) => `整合性を確認できていません (警告あり、復旧ポイント未読み取り): ${names}。`,
    windowsApp:
      "Windows のアプリケーション整合性は、VSS ライターを持つアプリケーションだけが対象です (Oracle には VSS ライターがありません)。",
    names: (shown, more) => (more > 0 ? `${shown.join("、")} ほか ${more} 台` : shown.join("、")),
    vmGone: (vm, vault) =>
      `${vm} (コンテナー ${vault}) はコンテナーで保護されなくなりました。今後この VM のバックアップは想定しません。`,
    protectionStopped: (vm, vault, state) =>
      `${vm} (コンテナー ${vault}) の保護が停止されました${state ? ` (${state})` : ""}。今後この VM のバックアップは想定しません。`,
    lapsed: (vm, vault, days) =>
      `${vm} (コンテナー ${vault}) には ${days} 日を超えてバックアップ ジョブがありません。復旧ポイントを照会しないとスケジュールが分からないため、今後はバックアップを想定せず一覧から外します。`,
    late: (day, date) =>
      `遅延: ${day} のダイジェストは当日にどの実行でも配信されなかったため、${date} の実行とともに送ります。`,
    notDelivered: (r) => `配信できませんでした: ${givenUpJa(r)}。`,
    givenUp: (r) => givenUpJa(r),
  },
  figure: {
    degraded: "整合性が想定未満のジョブ",
    degradedSub: "想定を下回る整合性",
    succeeded: "成功率",
    application: "アプリケーション整合性",
    fileSystem: "ファイルシステム整合性",
    crash: "クラッシュ整合性",
    none: "復旧ポイントなし",
    jobs: "ジョブ数",
    fileSystemShort: "ファイルシステム整合性",
    crashShort: "クラッシュ整合性",
    noneShort: "復旧ポイントなし",
    yesterday: "前日",
    average7d: "7 日平均",
    legend: "▲ ▼ は前日比、続いて 7 日平均との比較",
    toneLegend: (worse, better) => `${worse} は悪化、${better} は改善`,
    belowExpected: (n) => `想定未満: ${n} 件`,
    jobsOf: (n) => `${n} 件`,
  },
  change: {
    kind: { "new-failure": "新たな失敗", downgrade: "整合性の低下", recovery: "回復" },
    failed: (code) => `失敗${code ? ` (${code})` : ""}`,
    recovered: (c) => `回復: ${c}`,
    downgrade: (c, expected, code) => `${c} (想定: ${expected})${code ? ` (${code})` : ""}`,
  },
  persist: {
    failingDays: (days) => `${days} 日連続で失敗`,
    belowDays: (expected, days) =>
      `${days} 日連続で${expected ? `${expected}` : "想定の整合性"}を下回っています`,
    noJob: (day) => `${day} のバックアップ ジョブなし`,
    lastJob: (day) => `最後のジョブ ${day}`,
  },
  heading: {
    changed: "前日からの変化",
    changedCount: (n) => `前日からの変化 (${n})`,
    changedSub: (f, d, r) => `新たな失敗 ${f} 件 · 整合性の低下 ${d} 件 · 回復 ${r} 件`,
    nothingChanged: "変化はありません。",
    persists: "続いている問題",
    persistsCount: (n) => `続いている問題 (${n})`,
    persistsSub: (f, b, n, day) =>
      `連続して失敗 ${f} 台 · 整合性が想定未満 ${b} 台 · ${day} にジョブなし ${n} 台`,
    nothingOutstanding: "未解決の問題はありません。",
    topCodes: "主なエラー コードと対処",
    coverage: "取得範囲",
    newFailures: "新たな失敗",
    downgrades: "整合性の低下 (想定を下回る)",
    recoveries: "回復",
    failingStreaks: "連続して失敗している日数",
    belowStreaks: "想定の整合性を下回っている日数",
    noJob: (day) => `${day} にジョブなし`,
  },
  column: {
    vm: "VM",
    vault: "コンテナー",
    change: "変化",
    problem: "問題",
    whatToDo: "対処",
    happenedTodo: "状況 · 対処",
    code: "コード",
    jobs: "ジョブ",
    vms: "VM 数",
  },
  codeLine: (jobs, vms, category) => `${vms} 台の VM で ${jobs} 件 · ${category}`,
  howToFix: "対処方法",
  docs: "ドキュメント",
  docsFor: (code) => `ドキュメント: ${code}`,
  more: (n) => `ほか ${n} 件`,
  coverage: {
    workspacesQueried: (n) => `照会したワークスペース ${n} 個`,
    vaultsReported: (n) => `報告のあったコンテナー ${n} 個`,
    workspacesFailed: (n) => `読み取りに失敗したワークスペース ${n} 個`,
    vaultsSilent: (n) => `報告のないコンテナー ${n} 個`,
    vmsWithJob: (w, k) => `既知の VM ${k} 台のうち ${w} 台にジョブあり`,
    rowsRejected: (n) => `読み取れない行 ${n} 行`,
    rowsUnstorable: (n) => `保存できずに除外した行 ${n} 行`,
    partial: "一部のデータのみ: 欠けている数値があります",
    failedList: "失敗したワークスペース",
    silentList: "報告のないコンテナー",
    label: "取得範囲",
    queryFailed: "クエリが失敗しました",
    notReadOnRun: (at) =>
      `${at ? `${at} の実行で` : ""}完全には読み取れませんでした。理由はその実行のログにあります`,
  },
  partialTag: "一部のデータのみ",
  partialBanner:
    "一部のデータのみ: 一部のワークスペースまたはクエリが完全には応答しなかったため、数値が不完全な可能性があります。",
  title: (day) => `Backup pulse · ${day}`,
  summary: (status, partial, jobs, succeeded, application) =>
    `${status}${partial ? " (一部のデータのみ)" : ""}。ジョブ ${jobs} 件、成功率 ${succeeded}、アプリケーション整合性 ${application}。`,
  summaryNoData: (reason) => `データなし。${reason}`,
  chart: {
    successRate: "成功率",
    applicationRate: "アプリケーション整合性",
    over: (title, days) => `${days} 日間の${title}`,
    daysWithoutData: (n) => `データのない日 ${n} 日`,
    lastDays: (n) => `直近 ${n} 日`,
  },
  footer: {
    rates: "割合はその日のジョブに占める比率です。▲ ▼ は前日と 7 日平均との比較です。",
    troubleshooting: "トラブルシューティング ガイド",
    aboutConsistency: "スナップショットの整合性について",
    generated: (at) => `作成 ${at}`,
  },
  note: "注記",
  troubleshootUrl: `${LEARN}/backup-azure-vms-troubleshoot`,
  consistencyUrl: `${LEARN}/backup-azure-vms-introduction#snapshot-consistency`,
  terminal: {
    title: (day, status, partial) => `Backup pulse ${day}: ${status}${partial ? " (一部のデータのみ)" : ""}`,
    labels: {
      degraded: "整合性が想定未満のジョブ  ",
      succeeded: "成功率                    ",
      application: "アプリケーション整合性    ",
      fileSystem: "ファイルシステム整合性    ",
      crash: "クラッシュ整合性          ",
      none: "復旧ポイントなし          ",
      jobs: "ジョブ数                  ",
    },
    counts: (completed, warnings, failed, cancelled, below) =>
      `完了 ${completed} 件、警告付き完了 ${warnings} 件、失敗 ${failed} 件` +
      `${cancelled ? `、取り消し ${cancelled} 件` : ""}。想定を下回る整合性 ${below} 件`,
    topCodes: "主なエラー コード",
    codeLine: (code, category, jobs, vms, action) =>
      `${code} (${category}): ${vms} 台の VM で ${jobs} 件。${action}`,
    days: (n) => `${n} 日`,
    lastDays: (n, success, application, today) =>
      `直近 ${n} 日の成功率 ${success} アプリケーション整合性 ${application} (当日 ${today})`,
  },
  alert: {
    count: (n) => `アラート ${n} 件`,
    whatToDo: "対処",
    tip: "ヒント",
    doc: "トラブルシューティング",
    vm: "VM",
    vault: "コンテナー",
    when: "日時",
    code: "コード",
    vmInVault: (vm, vault) => `VM ${vm} (コンテナー ${vault})`,
    one: (title) => `Backup pulse アラート: ${title}`,
    many: (n, first) => `Backup pulse: アラート ${n} 件${first ? `、最初: ${first}` : ""}`,
  },
  rule: {
    streakTitle: (vm, n) => `${vm}: ${n} 回連続でバックアップが失敗`,
    streakDetail: (vault, vm, n, jobId, at) =>
      `コンテナー ${vault}: ${vm} の直近 ${n} 回のバックアップ ジョブが失敗しました。最新のジョブは ${jobId} (開始 ${at}) です。`,
    downgradeTitle: (vm, c) => `${vm}: アプリケーション整合性ではなく${CONSISTENCY[c]}のバックアップ`,
    downgradeDetail: (j) =>
      `コンテナー ${j.vault}: ジョブ ${j.jobId} (開始 ${j.at}、${JOB_STATUS[j.status]}) の復旧ポイントは${j.running ? "、VM の実行中にもかかわらず" : ""}${CONSISTENCY[j.consistency]}でした (${j.source === "observed" ? "復旧ポイントで確認" : "ジョブの結果から推定"})。この VM にはアプリケーション整合性が想定されています。`,
    vssTitle: (vm, code) => `${vm}: VSS の問題 (${code ?? "コードなし"})`,
    vssDetail: (vault, jobId, at, status) =>
      `コンテナー ${vault}: ジョブ ${jobId} (開始 ${at}) の結果は${JOB_STATUS[status]}でした。`,
    notConfirmedTitle: (vm) => `${vm}: 警告付き完了のバックアップ、整合性は未確認`,
    notConfirmedDetail: (vault, jobId, at) =>
      `コンテナー ${vault}: ジョブ ${jobId} (開始 ${at}) は警告付き完了でした。復旧ポイントを読み取れなかったため、整合性が失われたかどうかを確認できていません。`,
    notConfirmedAction:
      "コンテナーでこのジョブの復旧ポイントを開いて整合性を確認してください。次回から読み取れるよう、実行に使う ID にコンテナーのバックアップ閲覧者 (Backup Reader) ロールを割り当ててください。",
    advice: {
      crashRunning:
        "VM は実行中だったため、これは代替の復旧ポイントです。VM エージェントと、Windows では VSS ライター (Linux ではプレ/ポストスクリプトと fsfreeze) を確認してください。",
      crashOffline:
        "バックアップ時に VM が正常にシャットダウンしていれば、この復旧ポイントは安全です。そうでなければ VM エージェントと、Windows では VSS ライターを確認してください。",
      linuxScripts:
        "/etc/azure/VMSnapshotScriptPluginConfig.json のプレ/ポストスクリプトが実行され成功したか確認してください (構成ファイルはモード 600、スクリプトは 700、所有者はいずれも root)。",
      windowsVss:
        "`vssadmin list writers` を実行し、[1] Stable でないライターのサービス、続いて VSS サービスを再起動してください。ライターが安定しない場合は VM を再起動します。",
    },
    code: (code, summary) =>
      summary === null
        ? `コード ${code} (カタログにありません)。`
        : `コード ${code}${summary ? `: ${summary}` : "。"}`,
    errorDetail: (text) => `詳細: ${text}`,
    also: (title) => `同時に検出: ${title}。`,
    sep: "",
  },
  email: {
    subject: (status, day, figures, partial) =>
      `【${status}】Backup pulse ${day}: ${figures.join("、")}${partial ? " (一部のデータのみ)" : ""}`,
    noReport: "バックアップ ジョブの報告なし",
    failingVms: (_n, shown) => `失敗した VM ${shown} 台`,
    degradedJobs: (_n, shown) => `整合性が想定未満のジョブ ${shown} 件`,
    allAsExpected: (_n, shown) => `ジョブ ${shown} 件、すべて想定どおり`,
    noData: "データなし",
  },
};
