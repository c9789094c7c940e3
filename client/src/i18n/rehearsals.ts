/** The rehearsal 演练 section of a project's setup — [zh-CN, en]. */
import { defineMessages } from '@kaipan/web/i18n/runtime';

export const rehearsalsMessages = defineMessages({
  'rehearsal.hint': [
    '演练是本项目的一份副本：楼栋、房源、户型、价格（含备案价与规则）、预售许可证、排号类别、收据本、定金规则和其他设置、成员与团队。客户、认筹、成交、收款、排号、设备和审计记录不复制。演练中的编号（收据、认筹、排号）和报表自成一套，不影响正式项目；每个屏幕和单据都标有“演练”。',
    'A rehearsal is a copy of this project: buildings, units, layouts, prices (filed prices and their rule included), presale permits, queue categories, receipt books, the deposit rule and other settings, members and teams. Customers, registrations, deals, payments, queue tickets, devices and the audit log are not copied. Its numbers (receipts, registrations, queue) and reports are its own and never touch the real project; every screen and document of it says REHEARSAL.',
  ],
  'rehearsal.create': ['创建演练', 'Create a rehearsal'],
  'rehearsal.creating': ['正在复制…', 'Copying…'],
  'rehearsal.created': ['已创建演练 {code}', 'Rehearsal {code} created'],
  'rehearsal.adminOnly': ['只有系统管理员可以创建演练。', 'Only administrators can create a rehearsal.'],
  'rehearsal.listTitle': ['本项目的演练', 'Rehearsals of this project'],
  'rehearsal.empty': ['还没有演练。', 'No rehearsals yet.'],
  'rehearsal.refresh': ['刷新', 'Refresh'],
  'rehearsal.col.code': ['编号', 'Code'],
  'rehearsal.col.created': ['创建时间', 'Created'],
  'rehearsal.col.reset': ['最近重置', 'Last reset'],
  'rehearsal.col.activity': ['演练数据', 'Practice data'],
  'rehearsal.activity': [
    '成交 {deals} · 收款 {payments} · 排号 {tickets}',
    '{deals} deals · {payments} payments · {tickets} tickets',
  ],
  'rehearsal.never': ['未重置', 'Never'],
  'rehearsal.archived': ['已归档', 'Archived'],
  'rehearsal.open': ['打开销控', 'Open'],
  'rehearsal.setup': ['设置', 'Setup'],
  'rehearsal.reset': ['重置', 'Reset'],
  'rehearsal.archive': ['归档', 'Archive'],
  'rehearsal.resetTitle': ['重置演练 {code}？', 'Reset rehearsal {code}?'],
  'rehearsal.resetBody': [
    '将删除本次演练的客户、认筹、成交、收款、收据、排号和摇号，所有房源和价格恢复到复制时的状态，锁定全部释放，编号从头开始。审计记录、设备和成员保留。此操作不可撤销。',
    "This deletes the rehearsal's customers, registrations, deals, payments, receipts, queue tickets and lottery draws, puts every unit and price back as copied, releases every lock and restarts the numbering. The audit log, devices and members stay. This cannot be undone.",
  ],
  'rehearsal.resetDone': ['演练 {code} 已重置', 'Rehearsal {code} reset'],
  'rehearsal.archiveTitle': ['归档演练 {code}？', 'Archive rehearsal {code}?'],
  'rehearsal.archiveBody': [
    '归档后演练只读、不可销售，也不再出现在项目列表中。',
    'Archived, the rehearsal is read-only, sells nothing and leaves the project list.',
  ],
  'rehearsal.archivedDone': ['演练 {code} 已归档', 'Rehearsal {code} archived'],
  'rehearsal.thisIs': ['这是「{source}」的演练。', 'This is a rehearsal of {source}.'],
  'rehearsal.openSource': ['前往正式项目的设置', "Go to the real project's setup"],
  'rehearsal.resetThis': ['重置此演练', 'Reset this rehearsal'],
});
