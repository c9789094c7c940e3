/** The reports page 统计报表 (pages/reports/). Report names and descriptions live in pages/reports/report-list.ts. */
import type { Entry } from '@kaipan/web/i18n/runtime';

export const reportsMessages = {
  'reports.link': ['报表', 'Reports'],
  'reports.title': ['统计报表', 'Reports'],
  'reports.subtitle': [
    '日期按项目时区（{tz}）计算。明细报表为 XLSX，含合计行；销控表、价目表、日报另有可打印的 PDF；买受人电话按您的权限显示。',
    'Days are in the project time zone ({tz}). Detail reports are XLSX with a totals row; the sales-control sheet, price list and daily report also print as PDF; buyer phones show as your role allows.',
  ],
  'reports.from': ['开始日期', 'From'],
  'reports.to': ['结束日期', 'To'],
  'reports.building': ['楼栋', 'Building'],
  'reports.consultant': ['置业顾问', 'Consultant'],
  'reports.all': ['全部', 'All'],
  'reports.filters': ['筛选', 'Filters'],
  'reports.badRange': ['开始日期不能晚于结束日期', 'From must not be after To'],
  'reports.run': ['生成', 'Run'],
  'reports.runAgain': ['重新生成', 'Run again'],
  'reports.download': ['下载', 'Download'],
  'reports.queued': ['排队中…', 'Queued…'],
  'reports.running': ['生成中 {n}%', 'Running {n}%'],
  'reports.done': ['已完成：{rows} 行', 'Done: {rows} rows'],
  'reports.failed': ['生成失败，请重试', 'The report failed; try again'],
  'reports.retry': ['重试', 'Retry'],
  'reports.noFilters': ['本报表为当前快照，不按日期筛选', 'A snapshot of now: no date filter'],
  'reports.appliesTo': ['可用筛选：{list}', 'Filters: {list}'],
  'reports.noneAvailable': ['没有可用的报表', 'No reports available'],
  'reports.noneAvailableHint': [
    '报表供经理与财务查看；操作日志导出供经理、财务与只读角色使用。',
    'Reports are for managers and finance; the audit-log export also for viewers.',
  ],
} as const satisfies Record<string, Entry>;
