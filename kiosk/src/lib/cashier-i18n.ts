/**
 * The cashier desk's words, zh-CN and en (typed against the Chinese dictionary: a missing English
 * entry fails to compile), its error texts (people, not devices — the queue kiosk's say "device
 * key"), and display helpers: money, payment kinds and methods, times in the project's time zone.
 * The language is the kiosk's one (lib/i18n.ts: toggle, remembered on the device).
 */
import { createRoot, createSignal } from 'solid-js';
import {
  ERROR_MESSAGES,
  formatYuan,
  interpolate,
  type ClientErrorCode,
  type DocumentJobInfo,
  type PaymentKind,
  type PaymentMethod,
  type PaymentStatus,
  type ProjectSummary,
} from '@kaipan/shared';
import { toApiError } from './api';
import type { AmountProblem } from './cashier-money';
import { locale } from './i18n';

const zh = {
  'app.title': '收银台',
  'app.brand': '开盘 Kaipan',
  'app.loadFailed': '收银台加载失败',
  'app.noProject': '没有可用的项目',
  'app.noProjectHint': '此账号还未加入任何项目，请联系销控经理。',

  'common.loading': '加载中…',
  'common.retry': '重试',
  'common.cancel': '取消',
  'common.close': '关闭',
  'common.done': '完成',
  'common.language': 'English',
  'common.languageLabel': '切换语言',
  'common.offline': '网络已断开 · 已录入的收款不会丢失，恢复后可继续操作',
  'common.systemDown': '系统故障，暂停收款 · 正在自动恢复，已录入的收款不会丢失',

  'login.title': '收银台登录',
  'login.subtitle': '使用出纳账号登录（经理账号也可登录以审批作废）。',
  'login.username': '用户名',
  'login.password': '密码',
  'login.submit': '登录',
  'login.submitting': '正在登录…',
  'login.missing': '请输入用户名和密码。',
  'login.invalid': '用户名或密码错误。',
  'login.role': '此账号不能使用收银台（需要出纳或经理账号）。',
  'login.footer': '收款、收据、日结 · 每笔收款只记录一次',

  'nav.label': '收银台导航',
  'nav.desk': '收款',
  'nav.dayEnd': '日结',
  'nav.project': '项目',
  'nav.signOut': '退出登录',

  'role.ADMIN': '管理员',
  'role.MANAGER': '销控经理',
  'role.CASHIER': '出纳',
  'role.CONSULTANT': '置业顾问',

  'paper.label': '收据纸张',
  'paper.A5': 'A5 纸',
  'paper.THERMAL_80': '80mm 热敏',

  'book.next': '下一张收据',
  'book.remaining': '剩 {n} 张',
  'book.none': '无可用收据本',
  'book.noneHint': '您没有可用的收据本，收款将无法开具收据。请联系销控经理分配收据本。',
  'book.title': '收据本 {prefix}：{first}–{last}',

  'desk.searchLabel': '查找认购或认筹',
  'desk.searchPlaceholder': '房号、手机号或编号',
  'desk.search': '查询',
  'desk.searchHint': '可输入房号 A-0101、买家手机号、排号 A012、认筹号 R0007、收据号 KP2026-000012 或文件编号，按 Enter 查询',
  'desk.searching': '正在查询…',
  'desk.searchFailed': '查询失败',
  'desk.emptyTitle': '查找要收款的客户',
  'desk.emptyHint': '输入下列任意一项：',
  'desk.exUnit': '房号',
  'desk.exPhone': '买家手机号',
  'desk.exRegistration': '认筹号',
  'desk.exQueue': '排号',
  'desk.exReceipt': '收据号',
  'desk.keys': '快捷键：F2 或 / 回到搜索框 · Enter 查询 · Esc 关闭窗口',
  'desk.found': '找到 {n} 条',
  'desk.noResults': '没有找到“{q}”',
  'desk.noResultsHint': '请核对房号、手机号或编号；认购须由置业顾问确认后才会出现。',
  'desk.subscriptions': '认购',
  'desk.registrations': '认筹',
  'desk.payments': '收款记录',
  'desk.panelLabel': '收款详情',
  'desk.readyTitle': '收银台已就绪',
  'desk.readyHint': '在左侧查找认购或认筹后，在这里收款、打印收据和认购书。',
  'desk.pickTitle': '请选择一条记录',
  'desk.pickHint': '点击左侧的认购或认筹查看应收款项。',

  'sub.depositDue': '待收定金 {amount}',
  'sub.depositPaid': '定金已付清',
  'sub.refundDue': '待退款',
  'sub.refundDone': '已退款',
  'sub.overdue': '已超时',

  'subStatus.ACTIVE': '已认购',
  'subStatus.CANCELLED': '已退房',
  'subStatus.CONTRACTED': '已签约',
  'subStatus.CHANGED': '已换房',

  'reg.active': '有效',
  'reg.cancelled': '已取消',
  'reg.sincerityHeld': '诚意金在账',
  'reg.noSincerity': '无在账诚意金',

  'panel.subscription': '认购',
  'panel.registration': '认筹',
  'panel.since': '认购于 {when}',
  'panel.openRegistration': '查看认筹',
  'panel.price': '成交总价',
  'panel.depositRequired': '应收定金',
  'panel.depositPaid': '已收定金',
  'panel.depositOutstanding': '待收定金',
  'panel.dueBy': '剩余',
  'panel.paidAt': '付清于 {when}',
  'panel.balanceHeld': '在账金额',
  'panel.sincerityHeld': '诚意金在账',
  'panel.householdSubscriptions': '本户认购',
  'panel.noSubscription': '暂无认购',
  'panel.recordPayment': '收款',
  'panel.recordSincerity': '收诚意金',
  'panel.convertSincerity': '诚意金转定金（{amount}）',
  'panel.printAgreement': '打印认购书',
  'panel.refundDueHint': '此认购已退房，在账款项需退还给买家：在下方收款记录中逐笔办理退款。',
  'panel.convertHint': '本户已认购，诚意金可转为定金（不重复收钱，两笔记录相互关联）。',
  'panel.payments': '收款记录',
  'panel.noPayments': '还没有收款',
  'panel.noPaymentsHint': '点击“收款”录入第一笔款项。',
  'panel.colReceipt': '收据号',
  'panel.colKind': '款项',
  'panel.colAmount': '金额',
  'panel.colMethods': '支付方式',
  'panel.colWhen': '时间 / 出纳',
  'panel.colStatus': '状态',
  'panel.colActions': '操作',
  'panel.fromSincerity': '（由诚意金转入）',
  'panel.closed': '已日结',
  'panel.closedHint': '当日已日结，记录已冻结；更正将以新记录办理。',
  'panel.print': '打印',
  'panel.convert': '转定金',
  'panel.refund': '退款',
  'panel.void': '申请作废',
  'panel.withdrawVoid': '撤回作废申请',
  'panel.loadFailed': '加载失败',

  'lines.method': '支付方式',
  'lines.amount': '金额（元）',
  'lines.reference': '凭证号',
  'lines.methodN': '第 {n} 笔支付方式',
  'lines.amountN': '第 {n} 笔金额（元）',
  'lines.referenceN': '第 {n} 笔凭证号',
  'lines.referenceOptional': '现金（可不填）',
  'lines.referenceHint.CASH': '现金（可不填）',
  'lines.referenceHint.BANK_CARD': 'POS 凭条参考号（必填）',
  'lines.referenceHint.TRANSFER': '银行流水号（必填）',
  'lines.referenceHint.WECHAT': '微信支付交易单号（必填）',
  'lines.referenceHint.ALIPAY': '支付宝交易号（必填）',
  'lines.referenceHint.CHEQUE': '支票号码（必填）',
  'lines.referenceRequired': '非现金须填写凭证号',
  'lines.referenceTooLong': '凭证号最多 60 个字符',
  'lines.remove': '删除第 {n} 笔',
  'lines.add': '添加一笔',
  'lines.max': '最多拆分 {n} 笔',
  'lines.total': '合计',
  'lines.short': '比应收少 {amount}',
  'lines.over': '比应收多 {amount}',
  'lines.tooLarge': '合计超过单笔收款上限 ¥100,000,000',

  'amount.empty': '请输入金额',
  'amount.invalid': '金额格式不正确，例如 50000 或 50,000.00',
  'amount.decimals': '金额最多两位小数（分）',
  'amount.zero': '金额须大于 0',
  'amount.tooLarge': '金额超过单笔上限 ¥100,000,000',

  'pay.title': '收款 · {target}',
  'pay.doneTitle': '收款成功',
  'pay.kind': '款项',
  'pay.payer': '付款人',
  'pay.payerPhone': '付款人手机',
  'pay.payerRequired': '请填写付款人',
  'pay.phoneInvalid': '手机号格式不正确（11 位，1 开头）',
  'pay.due': '待收',
  'pay.lines': '支付明细',
  'pay.note': '备注',
  'pay.notePlaceholder': '选填，打印在收据上',
  'pay.review': '核对',
  'pay.confirmLead': '请与付款人核对以下信息，确认后将开具收据：',
  'pay.confirmDiff': '注意：合计与待收 {due} 不符（{diff}）。',
  'pay.back': '返回修改',
  'pay.record': '确认收款 {amount}',
  'pay.recording': '正在记录…',
  'pay.resending': '未收到服务器答复，正在用同一编号重发（第 {n} 次）· 不会重复收款',
  'pay.unknownOutcome': '未能确认是否已记录（网络中断）。请点“再次发送”：系统用同一编号发送，绝不会重复收款。',
  'pay.sendAgain': '再次发送（不会重复）',
  'pay.later': '稍后处理',
  'pay.recorded': '已收款',
  'pay.refunded': '已退款',
  'pay.converted': '已转入',
  'pay.receiptNo': '收据号',
  'pay.noReceipt': '此笔收款没有开具收据（无可用收据本）。请联系销控经理。',

  'pending.title': '有一笔收款尚未确认',
  'pending.body': '{label} · {amount} · {time} 发出后未收到答复。再次发送使用同一编号，不会重复收款。',
  'pending.resend': '再次发送',
  'pending.discard': '放弃',
  'pending.discardConfirm': '放弃这笔未确认的收款？如果它其实已被记录，仍会出现在收款记录中。',

  'doc.progress': '生成进度',
  'doc.state.requested': '正在提交…',
  'doc.state.waiting': '排队生成 PDF…',
  'doc.state.active': '正在生成 PDF…',
  'doc.state.completed': '正在下载 PDF…',
  'doc.state.failed': '生成失败',
  'doc.failed': 'PDF 生成失败',
  'doc.meta': '{pages} 页 · 第 {version} 版',
  'doc.download': '下载 PDF',
  'doc.print': '打印',
  'doc.printAgain': '重打（COPY）',
  'doc.printFailed': '打印失败：',
  'doc.printed': '已发送到打印机。',
  'doc.printedCopy': '已发送到打印机（第 {n} 次打印，标注“重打”）。',
  'doc.verify': '扫码核验：',

  'print.receiptTitle': '打印收据 {label}',
  'print.agreementTitle': '认购书 · {unit}',
  'print.voidedNote': '此收据已作废，打印件会标注“作废”。',
  'print.copyNote': '此收据已打印 {n} 次，再次打印将标注“重打 COPY”并计数。',

  'receipt.voided': '已作废',
  'receipt.voidPending': '作废审批中',
  'receipt.copies': '重打 {n}',
  'receipt.printedTimes': '已打印 {n} 次',
  'receipt.notPrinted': '未打印',

  'void.title': '申请作废收据 {label}',
  'void.explain': '作废须经销控经理（非申请人）批准。收据号保留，作废原因和审批人会记录在案。',
  'void.reason': '作废原因',
  'void.reasonRequired': '请填写作废原因',
  'void.submit': '提交作废申请',

  'refund.title': '退款 {amount}',
  'refund.explain': '退款金额须等于这笔款项；可拆分为多种方式退还。退款将生成一条新的关联记录。',
  'refund.mustEqual': '退款合计须等于 {amount}',
  'refund.reason': '退款原因',
  'refund.reasonRequired': '请填写退款原因',
  'refund.confirmLead': '请核对退款明细：',
  'refund.submit': '确认退款 {amount}',
  'refund.override': '经理批准：该户虽有在售认购，仍退还诚意金（将记录原因）',
  'refund.withdraws': '退还诚意金即退筹：该认筹作废，不能再以它选房。',

  'convert.title': '诚意金转定金',
  'convert.explain': '诚意金将转为所选认购的定金：不重复收钱，原诚意金记录标记为“已转定金”，两笔记录相互关联，并开具新的定金收据。',
  'convert.onto': '转入认购',
  'convert.noSubscription': '本户没有有效的认购，无法转定金。',
  'convert.depositState': '定金 {paid} / {required}',
  'convert.submit': '确认转定金 {amount}',

  'approvals.button': '作废审批',
  'approvals.title': '待审批的作废申请',
  'approvals.empty': '没有待审批的作废申请',
  'approvals.emptyHint': '出纳提交的作废申请会显示在这里。',
  'approvals.loadFailed': '作废申请加载失败',
  'approvals.by': '{who} 申请于 {when}',
  'approvals.note': '审批意见（选填）',
  'approvals.approve': '批准作废',
  'approvals.reject': '驳回',
  'approvals.own': '这是您本人提交的申请：须由另一位经理审批。',
  'approvals.withdraw': '撤回申请',

  'dayEnd.date': '营业日',
  'dayEnd.prev': '前一天',
  'dayEnd.next': '后一天',
  'dayEnd.today': '今天',
  'dayEnd.cashier': '出纳',
  'dayEnd.refresh': '刷新',
  'dayEnd.csv': '下载 CSV',
  'dayEnd.pdf': '日结单 PDF',
  'dayEnd.pdfTitle': '日结单 · {date}',
  'dayEnd.pdfUnavailable': '服务器未提供日结编号，暂不能生成日结单 PDF（可下载 CSV）。',
  'dayEnd.close': '办理日结',
  'dayEnd.time': '时间',
  'dayEnd.open': '未日结',
  'dayEnd.openHint': '{cashier} · {date}：当天的收款仍可作废或更正。',
  'dayEnd.closed': '已日结',
  'dayEnd.closedHint': '{cashier} · {date}：已于 {when} 由 {by} 日结，记录已冻结。',
  'dayEnd.net': '净收款',
  'dayEnd.netHint': '收款 − 退款；不含作废及诚意金转定金（未实际收钱）',
  'dayEnd.receipts': '开具收据',
  'dayEnd.voidedN': '（作废 {n}）',
  'dayEnd.noReceipts': '当天未开收据',
  'dayEnd.byKind': '按款项',
  'dayEnd.byMethod': '按支付方式',
  'dayEnd.count': '笔数',
  'dayEnd.list': '收款明细',
  'dayEnd.for': '房号 / 认筹 · 付款人',
  'dayEnd.empty': '当天没有收款',
  'dayEnd.emptyHint': '选择其他日期，或在“收款”页录入款项。',
  'dayEnd.loadFailed': '日结数据加载失败',
  'dayEnd.closeTitle': '日结 {date}',
  'dayEnd.closeExplain': '确认为 {cashier} 办理当天日结？',
  'dayEnd.closeFreeze': '日结后，当天的收款、收据和作废记录全部冻结，不能再修改。',
  'dayEnd.closeCorrections': '之后发现的差错以新的更正记录办理，并与原记录关联。',
  'dayEnd.closePaper': '日结后可下载日结单 PDF 和 CSV。',
  'dayEnd.closeConfirm': '确认日结',

  'reason.NO_RECEIPT_BOOK': '您没有可用的收据本，无法开具收据。请联系销控经理分配收据本。',
  'reason.RECEIPT_BOOK_EXHAUSTED': '收据本已用完。请联系销控经理分配新的收据本。',
  'reason.DAY_CLOSED': '该营业日已日结，记录已冻结；请以新的更正记录办理。',
  'reason.IDEMPOTENCY_KEY_REUSED': '这次提交与之前同一编号的提交内容不同，未记录。请关闭窗口后重新收款。',
  'reason.REFUND_AMOUNT': '退款合计须等于可退金额。',
  'reason.VOID_PENDING': '这张收据已有待审批的作废申请。',
  'reason.VOIDS_PENDING': '当天还有作废申请待经理审批，审批后才能日结。',
  'reason.ALREADY_CONVERTED': '这笔诚意金已转为定金。',
  'reason.ALREADY_REFUNDED': '这笔款项已退款。',
  'reason.CONVERTED': '这笔款项已转为定金，不能再操作。',
  'reason.REFUNDED': '这笔款项已退款，不能再操作。',
  'reason.CONVERSION': '诚意金转入的定金不能直接退款或作废，请处理原诚意金。',
  'reason.LIVE_DEAL': '该户有在售认购（未退房）：请做诚意金转定金，或先办理退房；确需退还须由经理勾选“经理批准”后退款。',
} as const;

export type CashierKey = keyof typeof zh;

const en: Record<CashierKey, string> = {
  'app.title': 'Cashier',
  'app.brand': 'Kaipan 开盘',
  'app.loadFailed': 'The cashier desk could not load',
  'app.noProject': 'No project',
  'app.noProjectHint': 'This account is not a member of any project. Ask the sales manager.',

  'common.loading': 'Loading…',
  'common.retry': 'Retry',
  'common.cancel': 'Cancel',
  'common.close': 'Close',
  'common.done': 'Done',
  'common.language': '中文',
  'common.languageLabel': 'Switch language',
  'common.offline': 'Offline · payments already recorded are safe; carry on when the network is back',
  'common.systemDown': 'Payments paused: the system is recovering automatically; payments already recorded are safe',

  'login.title': 'Cashier sign-in',
  'login.subtitle': 'Sign in with a cashier account (managers may sign in to approve voids).',
  'login.username': 'Username',
  'login.password': 'Password',
  'login.submit': 'Sign in',
  'login.submitting': 'Signing in…',
  'login.missing': 'Enter your username and password.',
  'login.invalid': 'Wrong username or password.',
  'login.role': 'This account cannot use the cashier desk (a cashier or manager account is needed).',
  'login.footer': 'Payments, receipts, day-end · every payment is recorded exactly once',

  'nav.label': 'Cashier navigation',
  'nav.desk': 'Payments',
  'nav.dayEnd': 'Day-end',
  'nav.project': 'Project',
  'nav.signOut': 'Sign out',

  'role.ADMIN': 'Admin',
  'role.MANAGER': 'Sales manager',
  'role.CASHIER': 'Cashier',
  'role.CONSULTANT': 'Consultant',

  'paper.label': 'Receipt paper',
  'paper.A5': 'A5 sheet',
  'paper.THERMAL_80': '80 mm thermal',

  'book.next': 'Next receipt',
  'book.remaining': '{n} left',
  'book.none': 'No receipt book',
  'book.noneHint': 'You have no receipt book, so payments cannot be given a receipt. Ask the sales manager for one.',
  'book.title': 'Receipt book {prefix}: {first}–{last}',

  'desk.searchLabel': 'Find a subscription or registration',
  'desk.searchPlaceholder': 'Unit, phone or number',
  'desk.search': 'Search',
  'desk.searchHint': 'Unit A-0101, buyer phone, queue number A012, registration R0007, receipt KP2026-000012 or a document id — press Enter',
  'desk.searching': 'Searching…',
  'desk.searchFailed': 'Search failed',
  'desk.emptyTitle': 'Find the buyer to take payment from',
  'desk.emptyHint': 'Type any of these:',
  'desk.exUnit': 'unit',
  'desk.exPhone': 'buyer phone',
  'desk.exRegistration': 'registration',
  'desk.exQueue': 'queue number',
  'desk.exReceipt': 'receipt number',
  'desk.keys': 'Keys: F2 or / back to search · Enter searches · Esc closes a dialog',
  'desk.found': '{n} found',
  'desk.noResults': 'Nothing found for "{q}"',
  'desk.noResultsHint': 'Check the unit, phone or number. A subscription appears once the consultant has confirmed it.',
  'desk.subscriptions': 'Subscriptions',
  'desk.registrations': 'Registrations',
  'desk.payments': 'Payments',
  'desk.panelLabel': 'Payment details',
  'desk.readyTitle': 'The desk is ready',
  'desk.readyHint': 'Find a subscription or registration on the left, then take payments and print receipts and agreements here.',
  'desk.pickTitle': 'Pick a record',
  'desk.pickHint': 'Choose a subscription or registration on the left to see what is due.',

  'sub.depositDue': 'Deposit due {amount}',
  'sub.depositPaid': 'Deposit paid',
  'sub.refundDue': 'Refund due',
  'sub.refundDone': 'Refunded',
  'sub.overdue': 'overdue',

  'subStatus.ACTIVE': 'Subscribed',
  'subStatus.CANCELLED': 'Cancelled',
  'subStatus.CONTRACTED': 'Contracted',
  'subStatus.CHANGED': 'Changed unit',

  'reg.active': 'Active',
  'reg.cancelled': 'Cancelled',
  'reg.sincerityHeld': 'Sincerity held',
  'reg.noSincerity': 'No sincerity held',

  'panel.subscription': 'Subscription',
  'panel.registration': 'Registration',
  'panel.since': 'subscribed {when}',
  'panel.openRegistration': 'open registration',
  'panel.price': 'Price',
  'panel.depositRequired': 'Deposit required',
  'panel.depositPaid': 'Deposit paid',
  'panel.depositOutstanding': 'Deposit due',
  'panel.dueBy': 'time left',
  'panel.paidAt': 'paid {when}',
  'panel.balanceHeld': 'Money held',
  'panel.sincerityHeld': 'Sincerity held',
  'panel.householdSubscriptions': "Household's subscriptions",
  'panel.noSubscription': 'none yet',
  'panel.recordPayment': 'Record payment',
  'panel.recordSincerity': 'Record sincerity deposit',
  'panel.convertSincerity': 'Sincerity → deposit ({amount})',
  'panel.printAgreement': 'Print agreement 认购书',
  'panel.refundDueHint': 'This subscription was cancelled: the money held goes back to the buyer. Refund each payment below.',
  'panel.convertHint': 'This household has subscribed: its sincerity deposit can become the deposit (no money moves twice; both records are linked).',
  'panel.payments': 'Payments',
  'panel.noPayments': 'No payments yet',
  'panel.noPaymentsHint': 'Press "Record payment" to take the first one.',
  'panel.colReceipt': 'Receipt',
  'panel.colKind': 'Kind',
  'panel.colAmount': 'Amount',
  'panel.colMethods': 'Methods',
  'panel.colWhen': 'When / cashier',
  'panel.colStatus': 'Status',
  'panel.colActions': 'Actions',
  'panel.fromSincerity': '(from sincerity)',
  'panel.closed': 'Day closed',
  'panel.closedHint': 'The day was closed: the record is frozen; corrections are new records.',
  'panel.print': 'Print',
  'panel.convert': 'To deposit',
  'panel.refund': 'Refund',
  'panel.void': 'Request void',
  'panel.withdrawVoid': 'Withdraw void request',
  'panel.loadFailed': 'Could not load',

  'lines.method': 'Method',
  'lines.amount': 'Amount (yuan)',
  'lines.reference': 'Reference',
  'lines.methodN': 'Method of line {n}',
  'lines.amountN': 'Amount of line {n} (yuan)',
  'lines.referenceN': 'Reference of line {n}',
  'lines.referenceOptional': 'Cash (optional)',
  'lines.referenceHint.CASH': 'Cash (optional)',
  'lines.referenceHint.BANK_CARD': 'POS slip reference (required)',
  'lines.referenceHint.TRANSFER': 'Bank transaction no. (required)',
  'lines.referenceHint.WECHAT': 'WeChat Pay transaction no. (required)',
  'lines.referenceHint.ALIPAY': 'Alipay transaction no. (required)',
  'lines.referenceHint.CHEQUE': 'Cheque number (required)',
  'lines.referenceRequired': 'A reference is required for every method except cash',
  'lines.referenceTooLong': 'At most 60 characters',
  'lines.remove': 'Remove line {n}',
  'lines.add': 'Add a line',
  'lines.max': 'Split across up to {n} methods',
  'lines.total': 'Total',
  'lines.short': '{amount} less than due',
  'lines.over': '{amount} more than due',
  'lines.tooLarge': 'The total is above the largest payment, ¥100,000,000',

  'amount.empty': 'Enter the amount',
  'amount.invalid': 'Not an amount — e.g. 50000 or 50,000.00',
  'amount.decimals': 'At most 2 decimals (fen)',
  'amount.zero': 'The amount must be above 0',
  'amount.tooLarge': 'Above the largest payment, ¥100,000,000',

  'pay.title': 'Record payment · {target}',
  'pay.doneTitle': 'Payment recorded',
  'pay.kind': 'Kind',
  'pay.payer': 'Payer',
  'pay.payerPhone': "Payer's phone",
  'pay.payerRequired': 'Enter the payer',
  'pay.phoneInvalid': 'Not a mobile number (11 digits, starting with 1)',
  'pay.due': 'Due',
  'pay.lines': 'Split',
  'pay.note': 'Note',
  'pay.notePlaceholder': 'Optional, printed on the receipt',
  'pay.review': 'Review',
  'pay.confirmLead': 'Check these with the payer. Confirming issues the receipt:',
  'pay.confirmDiff': 'Note: the total differs from the {due} due ({diff}).',
  'pay.back': 'Back to edit',
  'pay.record': 'Record {amount}',
  'pay.recording': 'Recording…',
  'pay.resending': 'No answer from the server — sending the same payment again (attempt {n}); it is never recorded twice',
  'pay.unknownOutcome': 'Could not confirm the payment was recorded (the network dropped). Press "Send again": it goes with the same key and is never recorded twice.',
  'pay.sendAgain': 'Send again (never twice)',
  'pay.later': 'Later',
  'pay.recorded': 'Recorded',
  'pay.refunded': 'Refunded',
  'pay.converted': 'Converted',
  'pay.receiptNo': 'Receipt no.',
  'pay.noReceipt': 'This payment has no receipt (no receipt book). Ask the sales manager.',

  'pending.title': 'A payment is not confirmed yet',
  'pending.body': '{label} · {amount} · sent at {time}, no answer received. Sending again uses the same key: it is never recorded twice.',
  'pending.resend': 'Send again',
  'pending.discard': 'Discard',
  'pending.discardConfirm': 'Discard this unconfirmed payment? If it was in fact recorded, it still appears in the payments.',

  'doc.progress': 'Progress',
  'doc.state.requested': 'Requesting…',
  'doc.state.waiting': 'Queued for rendering…',
  'doc.state.active': 'Rendering the PDF…',
  'doc.state.completed': 'Downloading the PDF…',
  'doc.state.failed': 'Rendering failed',
  'doc.failed': 'The PDF could not be made',
  'doc.meta': '{pages} page(s) · version {version}',
  'doc.download': 'Download PDF',
  'doc.print': 'Print',
  'doc.printAgain': 'Reprint (COPY)',
  'doc.printFailed': 'Printing failed:',
  'doc.printed': 'Sent to the printer.',
  'doc.printedCopy': 'Sent to the printer (print {n}, stamped COPY).',
  'doc.verify': 'Verify by QR:',

  'print.receiptTitle': 'Print receipt {label}',
  'print.agreementTitle': 'Agreement 认购书 · {unit}',
  'print.voidedNote': 'This receipt is voided; prints say VOID.',
  'print.copyNote': 'Printed {n} time(s) already: another print is stamped COPY / 重打 and counted.',

  'receipt.voided': 'Voided',
  'receipt.voidPending': 'Void pending',
  'receipt.copies': 'COPY ×{n}',
  'receipt.printedTimes': 'Printed {n} times',
  'receipt.notPrinted': 'Not printed',

  'void.title': 'Request void of receipt {label}',
  'void.explain': 'A sales manager other than you must approve. The receipt number is kept, with the reason and the approver.',
  'void.reason': 'Reason',
  'void.reasonRequired': 'Enter the reason',
  'void.submit': 'Request void',

  'refund.title': 'Refund {amount}',
  'refund.explain': 'The refund equals this payment; it may go back by several methods. It is recorded as a new, linked record.',
  'refund.mustEqual': 'The refund lines must add up to {amount}',
  'refund.reason': 'Reason',
  'refund.reasonRequired': 'Enter the reason',
  'refund.confirmLead': 'Check the refund:',
  'refund.submit': 'Refund {amount}',
  'refund.override': 'Manager approval: refund the sincerity deposit although the household holds a live deal (the reason is recorded)',
  'refund.withdraws': 'Refunding the sincerity deposit withdraws the registration: no more units can be selected under it.',

  'convert.title': 'Sincerity deposit → subscription deposit',
  'convert.explain': 'The sincerity deposit becomes the deposit of the chosen subscription: no money moves twice, the sincerity record is marked converted, both records are linked, and a deposit receipt is issued.',
  'convert.onto': 'Onto subscription',
  'convert.noSubscription': 'This household has no active subscription to convert onto.',
  'convert.depositState': 'deposit {paid} / {required}',
  'convert.submit': 'Convert {amount}',

  'approvals.button': 'Void approvals',
  'approvals.title': 'Void requests waiting',
  'approvals.empty': 'No void requests waiting',
  'approvals.emptyHint': "Cashiers' void requests appear here.",
  'approvals.loadFailed': 'Could not load void requests',
  'approvals.by': 'asked by {who} at {when}',
  'approvals.note': 'Note (optional)',
  'approvals.approve': 'Approve void',
  'approvals.reject': 'Reject',
  'approvals.own': 'You asked for this one: another manager must decide it.',
  'approvals.withdraw': 'Withdraw request',

  'dayEnd.date': 'Business day',
  'dayEnd.prev': 'Previous day',
  'dayEnd.next': 'Next day',
  'dayEnd.today': 'Today',
  'dayEnd.cashier': 'Cashier',
  'dayEnd.refresh': 'Refresh',
  'dayEnd.csv': 'Download CSV',
  'dayEnd.pdf': 'Day-end PDF',
  'dayEnd.pdfTitle': 'Day-end · {date}',
  'dayEnd.pdfUnavailable': 'The server did not give the day-close id, so the day-end PDF cannot be made yet (the CSV can).',
  'dayEnd.close': 'Close day',
  'dayEnd.time': 'Time',
  'dayEnd.open': 'Open',
  'dayEnd.openHint': '{cashier} · {date}: payments of the day can still be voided or corrected.',
  'dayEnd.closed': 'Closed',
  'dayEnd.closedHint': '{cashier} · {date}: closed at {when} by {by}; the records are frozen.',
  'dayEnd.net': 'Net taken',
  'dayEnd.netHint': 'In − refunds; voids and sincerity conversions (no money moved) excluded',
  'dayEnd.receipts': 'Receipts issued',
  'dayEnd.voidedN': '({n} voided)',
  'dayEnd.noReceipts': 'No receipts this day',
  'dayEnd.byKind': 'By kind',
  'dayEnd.byMethod': 'By method',
  'dayEnd.count': 'Count',
  'dayEnd.list': 'Payments',
  'dayEnd.for': 'Unit / registration · payer',
  'dayEnd.empty': 'No payments this day',
  'dayEnd.emptyHint': 'Pick another day, or record payments on the Payments page.',
  'dayEnd.loadFailed': 'Could not load the day-end',
  'dayEnd.closeTitle': 'Close {date}',
  'dayEnd.closeExplain': 'Close the day for {cashier}?',
  'dayEnd.closeFreeze': 'Payments, receipts and voids of the day are frozen: they can no longer be changed.',
  'dayEnd.closeCorrections': 'Mistakes found later are fixed with new correction records linked to the originals.',
  'dayEnd.closePaper': 'After closing, download the day-end PDF and the CSV.',
  'dayEnd.closeConfirm': 'Close the day',

  'reason.NO_RECEIPT_BOOK': 'You have no receipt book, so no receipt can be issued. Ask the sales manager for one.',
  'reason.RECEIPT_BOOK_EXHAUSTED': 'The receipt book is used up. Ask the sales manager for a new one.',
  'reason.DAY_CLOSED': 'That business day is closed and frozen; make a new correction record instead.',
  'reason.IDEMPOTENCY_KEY_REUSED': 'This differs from the earlier submission with the same key, so it was not recorded. Close the dialog and start the payment again.',
  'reason.REFUND_AMOUNT': 'The refund must add up to the refundable amount.',
  'reason.VOID_PENDING': 'This receipt already has a void request waiting.',
  'reason.VOIDS_PENDING': 'Void requests of this day wait for a manager: decide them before closing the day.',
  'reason.ALREADY_CONVERTED': 'This sincerity deposit was already converted.',
  'reason.ALREADY_REFUNDED': 'This payment was already refunded.',
  'reason.CONVERTED': 'This payment was converted into a deposit; nothing more can be done with it.',
  'reason.REFUNDED': 'This payment was refunded; nothing more can be done with it.',
  'reason.CONVERSION': 'A deposit converted from sincerity cannot be refunded or voided directly; handle the sincerity deposit.',
  'reason.LIVE_DEAL': 'The household holds a live deal: convert the sincerity deposit into its deposit, or close the deal (退房) first. Only a manager can refund it anyway (tick “Manager approval”).',
};

const errorsZh: Record<ClientErrorCode, string> = {
  VALIDATION_FAILED: '输入的内容不正确，请检查后重试。',
  INVALID_CREDENTIALS: '用户名或密码错误。',
  UNAUTHENTICATED: '登录已过期，请重新登录。',
  FORBIDDEN: '您没有权限执行此操作。',
  NOT_FOUND: '没有找到，可能已被删除。',
  UNIT_NOT_AVAILABLE: '该房源已不可售。',
  NOT_RELEASED: '该房源尚未推盘。',
  LOCK_HELD: '该房源已被锁定。',
  LOCK_EXPIRED: '锁定已到期。',
  LOCK_LIMIT: '锁定数量已达上限。',
  SALES_PAUSED: '销售已暂停。',
  DUPLICATE_CUSTOMER: '该手机号已登记。',
  ALREADY_REGISTERED: '已认筹。',
  ENTITLEMENT_EXCEEDED: '购房机会已用完。',
  REGISTRATION_REQUIRED: '需要认筹。',
  SELECTION_NOT_OPEN: '尚未叫号。',
  PRICE_VERSION_STALE: '价格已更新，请刷新后重试。',
  APPROVAL_REQUIRED: '需经理审批。',
  DISCOUNT_NOT_APPLICABLE: '优惠不适用。',
  PLAN_NOT_APPLICABLE: '付款方案不适用。',
  IMPORT_INVALID: '文件有误，未导入。',
  UNPRINTABLE_CHARACTER: '有服务器字体无法打印的生僻字，未打印。请联系管理员。',
  INVALID_TRANSITION: '当前状态不允许此操作（可能已被他人处理），请刷新后查看。',
  CONFLICT: '操作冲突，请刷新后重试。',
  RATE_LIMITED: '操作太频繁，请稍后再试。',
  PAYLOAD_TOO_LARGE: '内容过大。',
  SERVICE_UNAVAILABLE: '服务暂时不可用，请稍后重试。',
  INTERNAL: '系统出错了，请稍后重试。',
  NETWORK_ERROR: '无法连接服务器，请检查网络。',
  TIMEOUT: '服务器响应超时，请重试。',
  OFFLINE: '网络已断开，恢复后再试。',
};

const errorsEn: Record<ClientErrorCode, string> = {
  VALIDATION_FAILED: 'Something entered is not valid. Check it and try again.',
  INVALID_CREDENTIALS: 'Wrong username or password.',
  UNAUTHENTICATED: 'Your session expired. Please sign in again.',
  FORBIDDEN: 'You are not allowed to do this.',
  NOT_FOUND: 'Not found; it may have been removed.',
  UNIT_NOT_AVAILABLE: 'This unit is no longer available.',
  NOT_RELEASED: 'This unit is not released yet.',
  LOCK_HELD: 'This unit is locked.',
  LOCK_EXPIRED: 'The lock expired.',
  LOCK_LIMIT: 'Too many locks.',
  SALES_PAUSED: 'Sales are paused.',
  DUPLICATE_CUSTOMER: 'This phone number is already registered.',
  ALREADY_REGISTERED: 'Already registered.',
  ENTITLEMENT_EXCEEDED: 'No units left on this registration.',
  REGISTRATION_REQUIRED: 'A registration is required.',
  SELECTION_NOT_OPEN: 'Not called yet.',
  PRICE_VERSION_STALE: 'Prices changed. Refresh and try again.',
  APPROVAL_REQUIRED: 'Needs a manager approval.',
  DISCOUNT_NOT_APPLICABLE: 'Discount does not apply.',
  PLAN_NOT_APPLICABLE: 'Payment plan does not apply.',
  IMPORT_INVALID: 'The file has errors; nothing imported.',
  UNPRINTABLE_CHARACTER: 'A rare character cannot be printed with the server’s fonts; nothing printed. Ask an administrator.',
  INVALID_TRANSITION: 'Not possible in the current state (someone may have handled it already). Refresh to see.',
  CONFLICT: 'Conflict. Refresh and try again.',
  RATE_LIMITED: 'Too many requests. Try again in a moment.',
  PAYLOAD_TOO_LARGE: 'Too large.',
  SERVICE_UNAVAILABLE: 'The service is unavailable. Try again shortly.',
  INTERNAL: 'Something went wrong. Try again.',
  NETWORK_ERROR: 'Cannot reach the server. Check the network.',
  TIMEOUT: 'The server took too long. Try again.',
  OFFLINE: 'Offline. Try again when the network is back.',
};

const dictionaries = { 'zh-CN': { messages: zh, errors: errorsZh }, en: { messages: en, errors: errorsEn } } as const;

/** Translate (reactive: follows the language toggle). */
export function ct(key: CashierKey, params?: Record<string, string | number>): string {
  return interpolate(dictionaries[locale()].messages[key], params);
}

export function errorMessage(code: ClientErrorCode): string {
  return dictionaries[locale()].errors[code];
}

const REASONS = [
  'NO_RECEIPT_BOOK',
  'RECEIPT_BOOK_EXHAUSTED',
  'DAY_CLOSED',
  'IDEMPOTENCY_KEY_REUSED',
  'REFUND_AMOUNT',
  'VOID_PENDING',
  'VOIDS_PENDING',
  'ALREADY_CONVERTED',
  'ALREADY_REFUNDED',
  'CONVERTED',
  'REFUNDED',
  'CONVERSION',
  'LIVE_DEAL',
] as const;
type Reason = (typeof REASONS)[number];

/** The cashier refusals' `details.reason` (docs/cashier.md "API"), when it is one the desk explains. */
function reasonOf(error: unknown): Reason | null {
  const details = toApiError(error).details;
  const reason = typeof details === 'object' && details !== null ? (details as { reason?: unknown }).reason : undefined;
  return typeof reason === 'string' && (REASONS as readonly string[]).includes(reason) ? (reason as Reason) : null;
}

/** The message for anything thrown by the API (the specific reason when the server gives one). */
export function describe(error: unknown): string {
  const reason = reasonOf(error);
  return reason ? ct(`reason.${reason}`) : errorMessage(toApiError(error).code);
}

/**
 * The server's own words when they say more than the code's generic text (e.g. "a manager other
 * than the requester must decide", "the day is closed"). English only: shown small under the message.
 */
export function detailOf(error: unknown): string | null {
  if (reasonOf(error)) return null;
  const e = toApiError(error);
  if (e.status === 0 || e.status >= 500) return null;
  const generic = (ERROR_MESSAGES as Record<string, string>)[e.code];
  return e.message && e.message !== generic ? e.message : null;
}

export function amountProblemText(p: AmountProblem): string {
  return ct(`amount.${p}`);
}

export function documentStateText(state: DocumentJobInfo['state'] | 'requested'): string {
  return ct(`doc.state.${state}`);
}

const KIND_NAMES: Record<PaymentKind, [string, string]> = {
  SINCERITY: ['诚意金', 'Sincerity deposit'],
  DEPOSIT: ['定金', 'Deposit'],
  DOWN_PAYMENT: ['首付款', 'Down payment'],
  OTHER: ['其他', 'Other'],
  REFUND: ['退款', 'Refund'],
};
const METHOD_NAMES: Record<PaymentMethod, [string, string]> = {
  CASH: ['现金', 'Cash'],
  BANK_CARD: ['银行卡', 'Bank card'],
  TRANSFER: ['银行转账', 'Bank transfer'],
  WECHAT: ['微信支付', 'WeChat Pay'],
  ALIPAY: ['支付宝', 'Alipay'],
  CHEQUE: ['支票', 'Cheque'],
  CONVERSION: ['诚意金转入', 'Converted'],
};
const STATUS_NAMES: Record<PaymentStatus, [string, string]> = {
  RECORDED: ['已收款', 'Recorded'],
  VOIDED: ['已作废', 'Voided'],
  CONVERTED: ['已转定金', 'Converted'],
  REFUNDED: ['已退款', 'Refunded'],
};
const pick = (pair: [string, string]): string => (locale() === 'en' ? pair[1] : pair[0]);

export const kindName = (k: PaymentKind): string => pick(KIND_NAMES[k]);
export const methodName = (m: PaymentMethod): string => pick(METHOD_NAMES[m]);
export const paymentStatusName = (s: PaymentStatus): string => pick(STATUS_NAMES[s]);
export const projectName = (p: ProjectSummary): string => (locale() === 'en' ? p.nameEn || p.name : p.name);

/** ¥1,234,567 / ¥1,234,567.89 */
export const money = (fen: number): string => formatYuan(fen, locale());

const tz = createRoot(() => createSignal('Asia/Shanghai'));
/** Times on the desk are shown in the project's time zone. */
export function setDisplayTimeZone(timeZone: string): void {
  tz[1](timeZone);
}

/** 14:05 (today) — HH:mm in the project's time zone. */
export function timeOf(iso: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: tz[0](), hour: '2-digit', minute: '2-digit', hour12: false }).format(new Date(iso));
}

/** 2026-03-08 14:05 in the project's time zone. */
export function dateTimeOf(iso: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: tz[0](),
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).formatToParts(new Date(iso));
  const get = (type: string): string => parts.find((p) => p.type === type)?.value ?? '';
  const hour = get('hour') === '24' ? '00' : get('hour');
  return `${get('year')}-${get('month')}-${get('day')} ${hour}:${get('minute')}`;
}

/** 11-28 14:05 — the short form for tables. */
export function shortDateTimeOf(iso: string): string {
  return dateTimeOf(iso).slice(5);
}

/** The business day (YYYY-MM-DD) of an instant in a time zone. */
export function businessDate(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

/** 2026-03-08 ± n days (calendar arithmetic in UTC: no time-zone or DST drift). */
export function shiftDate(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, m - 1, d + days));
  return t.toISOString().slice(0, 10);
}
