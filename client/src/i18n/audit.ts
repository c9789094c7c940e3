/**
 * The audit log 操作日志 page and unit timelines — [zh-CN, en]. The sentences of the events
 * themselves live in shared/src/audit-actions.ts (the server's export and PDF word them the same).
 */
import type { Entry } from '@kaipan/web/i18n/runtime';

export const auditMessages = {
  'audit.title': ['操作日志', 'Audit log'],
  'audit.subtitle': [
    '谁在何时、从哪台设备做了什么（项目时区 {tz}）',
    'Who did what, when and from which device (times in {tz})',
  ],
  'audit.filterActor': ['操作人', 'Who'],
  'audit.filterActorHint': ['姓名或设备名', 'Name or device'],
  'audit.filterTopic': ['类别', 'Kind'],
  'audit.filterAllTopics': ['全部类别', 'All kinds'],
  'audit.filterUnit': ['房号', 'Unit'],
  'audit.filterFrom': ['起', 'From'],
  'audit.filterTo': ['止', 'Until'],
  'audit.apply': ['筛选', 'Filter'],
  'audit.clear': ['清除', 'Clear'],
  'audit.export': ['导出 Excel', 'Export XLSX'],
  'audit.exporting': ['正在导出…', 'Exporting…'],
  'audit.loadMore': ['加载更早的记录', 'Load older events'],
  'audit.end': ['没有更早的记录了', 'No older events'],
  'audit.empty': ['没有符合条件的记录', 'No events match these filters'],
  'audit.device': ['设备', 'Device'],
  'audit.unknownDevice': ['未知设备', 'unknown device'],
  'audit.timeline': ['房源履历', 'Unit timeline'],
  'audit.timelineOf': ['{code} 的履历', 'Timeline of {code}'],
  'audit.timelineHint': [
    '锁定、释放、到期、认购、变更、收款与文件，按时间先后',
    'Locks, releases, expiries, confirms, changes, payments and documents, oldest first',
  ],
  'audit.timelineTruncated': [
    '只显示前 {n} 条；完整记录请在操作日志中按房号筛选',
    'Only the first {n} events; filter the audit log by unit for all',
  ],
  'audit.currentStatus': ['当前状态', 'Now'],
  'audit.openLog': ['完整操作日志', 'Full audit log'],
  'audit.recent': ['最近操作', 'Recent activity'],
  'audit.close': ['关闭', 'Close'],
  'audit.disputePack': ['争议材料包 PDF', 'Dispute pack PDF'],
} as const satisfies Record<string, Entry>;
