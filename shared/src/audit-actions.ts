/**
 * Every audit action 操作 the server writes, with its topic (the log's "kind" filter) and one
 * sentence in zh-CN and en. `{actor}` is who did it, `{target}` the record it concerns (a unit code, a
 * receipt number, a name — see docs/audit-log.md). An action written anywhere in server/ without a
 * line here fails test/audit-actions.test.ts (it reads the server's sources), so the log never
 * shows a raw key such as `subscription.deposit_due`.
 *
 * Pure data: the manager's log, the XLSX export and the dispute pack PDF all read this one table.
 */

/** A sentence: [zh-CN, en]. */
export type AuditSentence = readonly [zh: string, en: string];

/** What the log's "kind" filter groups actions by. */
export const AUDIT_TOPICS = [
  'selling',
  'deals',
  'money',
  'documents',
  'customers',
  'queue',
  'pricing',
  'setup',
  'access',
] as const;
export type AuditTopic = (typeof AUDIT_TOPICS)[number];

export const AUDIT_TOPIC_LABELS: Record<AuditTopic, AuditSentence> = {
  selling: ['销控（锁房、认购、保留、推盘）', 'Selling (locks, confirms, withholds, batches)'],
  deals: ['认购与变更', 'Deals and changes'],
  money: ['收款与收据', 'Payments and receipts'],
  documents: ['文件', 'Documents'],
  customers: ['客户与认筹', 'Customers and registrations'],
  queue: ['排号', 'Queue'],
  pricing: ['价格', 'Pricing'],
  setup: ['项目设置', 'Project setup'],
  access: ['账号与登录', 'Accounts and sign-in'],
};

interface ActionSpec {
  topic: AuditTopic;
  sentence: AuditSentence;
}

const a = (topic: AuditTopic, zh: string, en: string): ActionSpec => ({ topic, sentence: [zh, en] });

export const AUDIT_ACTIONS = {
  // ── Selling: the unit lifecycle (selling/), sales control, batches, lottery ──────────────────────
  'unit.lock': a('selling', '{actor} 锁定了房源 {target}', '{actor} locked unit {target}'),
  'unit.release': a('selling', '{actor} 释放了房源 {target}', '{actor} released unit {target}'),
  'unit.lock_expired': a('selling', '房源 {target} 的锁定到期自动释放', 'The lock on unit {target} expired'),
  'unit.lock_revoked': a('selling', '房源 {target} 的锁定被撤销（状态已变）', 'The lock on unit {target} was revoked'),
  'unit.confirm': a('selling', '{actor} 认购了房源 {target}', '{actor} confirmed a subscription of unit {target}'),
  'unit.sign': a('selling', '{actor} 将房源 {target} 标记为已签约', '{actor} marked unit {target} contracted'),
  'unit.cancel': a('selling', '{actor} 对房源 {target} 办理了退房', '{actor} cancelled the sale of unit {target}'),
  'unit.withhold': a('selling', '{actor} 将房源 {target} 设为保留', '{actor} withheld unit {target}'),
  'unit.unwithhold': a('selling', '{actor} 取消了房源 {target} 的保留', '{actor} released the hold on unit {target}'),
  'unit.change_out': a('selling', '{actor} 将房源 {target} 换出', '{actor} moved the deal out of unit {target}'),
  'unit.change_in': a('selling', '{actor} 将认购换入房源 {target}', '{actor} moved a deal into unit {target}'),
  'sales.pause': a('selling', '{actor} 暂停了销售', '{actor} paused sales'),
  'sales.resume': a('selling', '{actor} 恢复了销售', '{actor} resumed sales'),
  'batch.create': a('selling', '{actor} 创建了推盘批次 {target}', '{actor} created batch {target}'),
  'batch.update': a('selling', '{actor} 修改了推盘批次 {target}', '{actor} changed batch {target}'),
  'batch.schedule': a('selling', '{actor} 定时推出批次 {target}', '{actor} scheduled batch {target}'),
  'batch.reschedule': a('selling', '{actor} 修改了批次 {target} 的推盘时间', '{actor} rescheduled batch {target}'),
  'batch.release': a('selling', '{actor} 推出了批次 {target}', '{actor} released batch {target}'),
  'batch.cancel': a('selling', '{actor} 取消了批次 {target}', '{actor} cancelled batch {target}'),
  'lottery.create': a('selling', '{actor} 发布了摇号承诺 {target}', '{actor} committed lottery {target}'),
  'lottery.draw': a('selling', '{actor} 进行了摇号 {target}', '{actor} drew lottery {target}'),

  // ── Deals: subscriptions 认购 and their changes ─────────────────────────────────────────────────
  'subscription.create': a(
    'deals',
    '{actor} 因换房新建认购 {target}',
    '{actor} created subscription {target} (unit change)',
  ),
  'subscription.changed': a(
    'deals',
    '{actor} 将认购 {target} 换房',
    '{actor} moved subscription {target} to another unit',
  ),
  'subscription.cancel': a('deals', '{actor} 退订了认购 {target}', '{actor} cancelled subscription {target}'),
  'subscription.buyer_change': a('deals', '{actor} 为认购 {target} 办理更名', '{actor} changed the buyer of {target}'),
  'subscription.price_change': a(
    'deals',
    '{actor} 调整了认购 {target} 的价格',
    '{actor} changed the price of {target}',
  ),
  'subscription.deposit_due': a('deals', '认购 {target} 的定金到期应付', 'The deposit of {target} fell due'),
  'subscription.deposit_paid': a('deals', '认购 {target} 的定金已付清', 'The deposit of {target} was paid'),
  'subscription.deposit_unpaid': a('deals', '认购 {target} 的定金逾期未付', 'The deposit of {target} is overdue'),
  'subscription.refund_due': a('deals', '认购 {target} 有待退款项', 'A refund is due on {target}'),
  'subscription.refund_done': a('deals', '认购 {target} 的退款已完成', 'The refund of {target} is done'),
  'change.request': a('deals', '{actor} 提交了变更申请 {target}', '{actor} requested change {target}'),
  'change.approve': a('deals', '{actor} 批准了变更 {target}', '{actor} approved change {target}'),
  'change.reject': a('deals', '{actor} 驳回了变更 {target}', '{actor} rejected change {target}'),
  'change.withdraw': a('deals', '{actor} 撤回了变更 {target}', '{actor} withdrew change {target}'),
  'change.execute': a('deals', '{actor} 执行了变更 {target}', '{actor} executed change {target}'),

  // ── Money: payments, receipts, receipt books, day-end ───────────────────────────────────────────
  'payment.record': a('money', '{actor} 收款 {target}', '{actor} recorded payment {target}'),
  'payment.convert': a('money', '{actor} 将诚意金转为定金 {target}', '{actor} converted a sincerity deposit {target}'),
  'payment.converted': a('money', '诚意金 {target} 已转为定金', 'Sincerity deposit {target} was converted'),
  'payment.void': a('money', '{actor} 作废了收款 {target}', '{actor} voided payment {target}'),
  'payment.refund': a('money', '{actor} 办理了退款 {target}', '{actor} refunded {target}'),
  'payment.refunded': a('money', '款项 {target} 已退回', 'Payment {target} was refunded'),
  'payment.refund_voided': a('money', '{actor} 作废了退款 {target}', '{actor} voided refund {target}'),
  'receipt.print': a('money', '{actor} 打印了收据 {target}', '{actor} printed receipt {target}'),
  'receipt.reprint': a('money', '{actor} 重打了收据 {target}', '{actor} reprinted receipt {target}'),
  'receipt.void': a('money', '收据 {target} 已作废', 'Receipt {target} was voided'),
  'receipt.void_request': a('money', '{actor} 申请作废收据 {target}', '{actor} asked to void receipt {target}'),
  'receipt.void_approve': a('money', '{actor} 批准作废收据 {target}', '{actor} approved voiding receipt {target}'),
  'receipt.void_reject': a('money', '{actor} 驳回作废收据 {target}', '{actor} refused voiding receipt {target}'),
  'receipt.void_withdraw': a(
    'money',
    '{actor} 撤回作废收据申请 {target}',
    '{actor} withdrew the void of receipt {target}',
  ),
  'receipt_book.create': a('money', '{actor} 领用了收据本 {target}', '{actor} opened receipt book {target}'),
  'receipt_book.close': a('money', '{actor} 交回了收据本 {target}', '{actor} closed receipt book {target}'),
  'day.close': a('money', '{actor} 办理了日结 {target}', '{actor} closed the day {target}'),
  'cashier.seed': a('money', '{actor} 初始化了收银数据', '{actor} set up cashier demo data'),
  'project.cashier_settings': a('money', '{actor} 修改了收银设置', '{actor} changed the cashier settings'),

  // ── Documents ──────────────────────────────────────────────────────────────────────────────────
  'document.rendered': a('documents', '{actor} 生成了文件 {target}', '{actor} generated document {target}'),
  'document.refresh_failed': a('documents', '文件 {target} 自动更新失败', 'Document {target} could not be refreshed'),

  // ── Customers, registrations 认筹 ────────────────────────────────────────────────────────────────
  'customer.create': a('customers', '{actor} 登记了客户 {target}', '{actor} registered customer {target}'),
  'customer.update': a('customers', '{actor} 修改了客户 {target}', '{actor} edited customer {target}'),
  'customer.status': a('customers', '客户 {target} 的状态变更', 'Customer {target} changed status'),
  'customer.shortlist': a(
    'customers',
    '{actor} 修改了客户 {target} 的意向房源',
    "{actor} changed {target}'s shortlist",
  ),
  'customer.claim': a('customers', '{actor} 认领了客户 {target}', '{actor} claimed customer {target}'),
  'customer.reassign': a('customers', '{actor} 转移了客户 {target}', '{actor} reassigned customer {target}'),
  'customer.to-pool': a(
    'customers',
    '{actor} 将客户 {target} 放回公共池',
    '{actor} returned customer {target} to the pool',
  ),
  'customer.follow-up': a(
    'customers',
    '{actor} 记录了客户 {target} 的跟进',
    '{actor} logged a follow-up with {target}',
  ),
  'customer.identity_tags': a(
    'customers',
    '{actor} 修改了客户 {target} 的身份标签',
    "{actor} changed {target}'s identity tags",
  ),
  'customer.reveal-id': a(
    'customers',
    '{actor} 查看了客户 {target} 的完整证件号',
    "{actor} revealed {target}'s ID number",
  ),
  'registration.create': a('customers', '{actor} 办理了认筹 {target}', '{actor} registered {target}'),
  'registration.cancel': a('customers', '{actor} 取消了认筹 {target}', '{actor} cancelled registration {target}'),
  'registration.deposit': a(
    'customers',
    '{actor} 修改了认筹 {target} 的诚意金',
    '{actor} changed the deposit flag of {target}',
  ),
  'registration.withdraw': a('customers', '{actor} 为认筹 {target} 办理退筹', '{actor} withdrew registration {target}'),
  'registration.reinstate': a('customers', '{actor} 恢复了认筹 {target}', '{actor} reinstated registration {target}'),
  'registration.entitlement': a(
    'customers',
    '{actor} 修改了认筹 {target} 的机会数',
    '{actor} changed the entitlement of {target}',
  ),
  'registration.units_used': a('customers', '认筹 {target} 的已用机会数变更', 'Units used by {target} changed'),

  // ── Queue 排号 ───────────────────────────────────────────────────────────────────────────────────
  'queue.category.create': a('queue', '{actor} 新建了排号类别 {target}', '{actor} added queue category {target}'),
  'queue.ticket.issue': a('queue', '{actor} 发出了号码 {target}', '{actor} issued number {target}'),
  'queue.ticket.link': a(
    'queue',
    '{actor} 将号码 {target} 关联到认筹',
    '{actor} linked number {target} to a registration',
  ),
  'queue.ticket.call': a('queue', '{actor} 指定叫号 {target}', '{actor} called number {target}'),
  'queue.ticket.call-next': a('queue', '{actor} 叫下一号 {target}', '{actor} called the next number {target}'),
  'queue.ticket.served': a('queue', '{actor} 确认号码 {target} 已到场', '{actor} marked number {target} served'),
  'queue.ticket.no-show': a('queue', '{actor} 将号码 {target} 记为过号', '{actor} marked number {target} a no-show'),
  'queue.ticket.requeue': a('queue', '{actor} 让号码 {target} 重新排队', '{actor} re-queued number {target}'),

  // ── Pricing ────────────────────────────────────────────────────────────────────────────────────
  'price_list.request': a('pricing', '{actor} 提交了价目表 {target}', '{actor} submitted price list {target}'),
  'price_list.activate': a('pricing', '{actor} 批准价目表 {target} 生效', '{actor} activated price list {target}'),
  'price_list.reject': a('pricing', '{actor} 驳回了价目表 {target}', '{actor} rejected price list {target}'),
  'price_list.withdraw': a('pricing', '{actor} 撤回了价目表 {target}', '{actor} withdrew price list {target}'),
  'price_approval.request': a(
    'pricing',
    '{actor} 申请特价审批 {target}',
    '{actor} asked for a price approval {target}',
  ),
  'price_approval.approve': a('pricing', '{actor} 批准了特价 {target}', '{actor} approved price {target}'),
  'price_approval.reject': a('pricing', '{actor} 驳回了特价 {target}', '{actor} rejected price {target}'),
  'price_approval.cancel': a('pricing', '{actor} 撤回了特价申请 {target}', '{actor} withdrew price request {target}'),
  'discount.create': a('pricing', '{actor} 新增了优惠 {target}', '{actor} added discount {target}'),
  'discount.update': a('pricing', '{actor} 修改了优惠 {target}', '{actor} changed discount {target}'),
  'plan.create': a('pricing', '{actor} 新增了付款方案 {target}', '{actor} added payment plan {target}'),
  'plan.update': a('pricing', '{actor} 修改了付款方案 {target}', '{actor} changed payment plan {target}'),
  'pricing.settings': a('pricing', '{actor} 修改了定价策略', '{actor} changed the pricing policy'),
  'prices.formula': a('pricing', '{actor} 按公式生成了价格', '{actor} priced units by formula'),
  'project.filed_price_rule': a('pricing', '{actor} 修改了备案价规则', '{actor} changed the filed-price rule'),

  // ── Project setup ──────────────────────────────────────────────────────────────────────────────
  'project.create': a('setup', '{actor} 创建了项目 {target}', '{actor} created project {target}'),
  'project.update': a('setup', '{actor} 修改了项目信息', '{actor} edited the project'),
  'project.settings': a('setup', '{actor} 修改了销售设置', '{actor} changed the sales settings'),
  'project.sales_target': a('setup', '{actor} 修改了销售目标', '{actor} changed the sales target'),
  'project.agreement': a('setup', '{actor} 修改了认购书条款', '{actor} changed the agreement terms'),
  'project.kiosk-pin': a('setup', '{actor} 修改了排号机密码', '{actor} changed the kiosk PIN'),
  'project.archive': a('setup', '{actor} 归档了项目', '{actor} archived the project'),
  'project.unarchive': a('setup', '{actor} 取消了项目归档', '{actor} unarchived the project'),
  'project.seed': a('setup', '{actor} 初始化了演示项目', '{actor} seeded the demo project'),
  'rehearsal.create': a('setup', '{actor} 复制了演练项目', '{actor} copied a rehearsal project'),
  'rehearsal.reset': a('setup', '{actor} 将演练重置为复制时的状态', '{actor} reset the rehearsal to its copied state'),
  'permit.create': a('setup', '{actor} 录入了预售许可证 {target}', '{actor} entered presale permit {target}'),
  'permit.update': a('setup', '{actor} 修改了预售许可证 {target}', '{actor} changed presale permit {target}'),
  'permit.delete': a('setup', '{actor} 删除了预售许可证 {target}', '{actor} deleted presale permit {target}'),
  'building.create': a('setup', '{actor} 生成了楼栋 {target}', '{actor} generated building {target}'),
  'building.delete': a('setup', '{actor} 删除了楼栋 {target}', '{actor} deleted building {target}'),
  'layout.create': a('setup', '{actor} 新增了户型 {target}', '{actor} created layout {target}'),
  'layout.update': a('setup', '{actor} 修改了户型 {target}', '{actor} changed layout {target}'),
  'unit.create': a('setup', '{actor} 新增了房源 {target}', '{actor} added unit {target}'),
  'unit.update': a('setup', '{actor} 修改了房源 {target} 的信息', '{actor} changed the facts of unit {target}'),
  'unit.delete': a('setup', '{actor} 删除了房源 {target}', '{actor} deleted unit {target}'),
  'units.import': a('setup', '{actor} 导入了房源表', '{actor} imported the unit sheet'),
  'device.created': a('setup', '{actor} 添加了设备 {target}', '{actor} added device {target}'),
  'device.paired': a('setup', '设备 {target} 完成配对', 'Device {target} was paired'),
  'device.renamed': a('setup', '{actor} 重命名了设备 {target}', '{actor} renamed device {target}'),
  'device.revoked': a('setup', '{actor} 停用了设备 {target}', '{actor} revoked device {target}'),
  'device.setup': a('setup', '{actor} 设置了排号机', '{actor} set up the kiosk'),
  'device.setup.refused': a('setup', '{actor} 设置排号机被拒（密码错误）', '{actor} was refused kiosk setup (PIN)'),
  'member.added': a('setup', '{actor} 添加了成员 {target}', '{actor} added member {target}'),
  'member.updated': a('setup', '{actor} 修改了成员 {target}', '{actor} changed member {target}'),
  'member.removed': a('setup', '{actor} 移除了成员 {target}', '{actor} removed member {target}'),
  'team.created': a('setup', '{actor} 新建了团队 {target}', '{actor} created team {target}'),
  'team.updated': a('setup', '{actor} 修改了团队 {target}', '{actor} changed team {target}'),
  'team.deleted': a('setup', '{actor} 删除了团队 {target}', '{actor} deleted team {target}'),

  // ── Accounts and sign-in ───────────────────────────────────────────────────────────────────────
  'auth.login_failed': a('access', '登录失败 {target}', 'Failed sign-in {target}'),
  'session.created': a('access', '{actor} 登录', '{actor} signed in'),
  'session.ended': a('access', '{actor} 退出登录', '{actor} signed out'),
  'user.created': a('access', '{actor} 创建了账号 {target}', '{actor} created account {target}'),
  'user.activated': a('access', '{actor} 启用了账号 {target}', '{actor} activated account {target}'),
  'user.deactivated': a('access', '{actor} 停用了账号 {target}', '{actor} deactivated account {target}'),
  'user.password_reset': a('access', '{actor} 重置了 {target} 的密码', "{actor} reset {target}'s password"),
  'user.password_changed': a('access', '{actor} 修改了密码', '{actor} changed their password'),
  'first_run.code_refused': a('access', '首次设置码错误', 'A wrong first-run code was entered'),
} as const satisfies Record<string, ActionSpec>;

/** An action the server writes. */
export type AuditAction = keyof typeof AUDIT_ACTIONS;

export function isAuditAction(action: string): action is AuditAction {
  return Object.hasOwn(AUDIT_ACTIONS, action);
}

/** The topic of an action; an unknown one (written by a newer server) counts as setup. */
export function auditTopicOf(action: string): AuditTopic {
  return isAuditAction(action) ? AUDIT_ACTIONS[action].topic : 'setup';
}

/** Every action of a topic (the server filters by them). */
export function auditActionsOf(topic: AuditTopic): AuditAction[] {
  return (Object.keys(AUDIT_ACTIONS) as AuditAction[]).filter((k) => AUDIT_ACTIONS[k].topic === topic);
}
