/**
 * zh-CN and en dictionaries. The language comes from navigator.language on first visit, can be
 * switched, and is remembered in localStorage. Every dictionary is typed against the Chinese one
 * and errors/statuses are `Record<…>` maps, so a missing translation fails to compile.
 */
import { createRoot, createSignal } from 'solid-js';
import type { Locale, UnitStatus } from '@kaipan/shared';
import { toApiError, type ClientErrorCode } from './api';

const zh = {
  'app.name': '开盘',
  'app.nameEn': 'Kaipan',
  'app.tagline': '开盘销控系统',

  'common.loading': '加载中…',
  'common.retry': '重试',
  'common.cancel': '取消',
  'common.close': '关闭',
  'common.back': '返回',
  'common.logout': '退出登录',
  'common.language': '语言',
  'common.switchLanguage': 'English',
  'common.required': '必填',
  'common.units': '{n} 套',
  'common.dash': '—',

  'login.title': '登录',
  'login.subtitle': '开盘当日销控 · 置业顾问 / 销控经理',
  'login.username': '账号',
  'login.usernamePlaceholder': '例如 c001',
  'login.password': '密码',
  'login.passwordPlaceholder': '请输入密码',
  'login.submit': '登录',
  'login.submitting': '正在登录…',
  'login.showPassword': '显示密码',
  'login.hidePassword': '隐藏密码',
  'login.missing': '请输入账号和密码',
  'login.footer': '账号由销控经理分配。遇到问题请联系现场销控台。',

  'projects.title': '选择项目',
  'projects.empty': '您还没有可访问的项目',
  'projects.emptyHint': '请联系销控经理把您加入项目。',
  'projects.units': '{n} 套房源',
  'projects.open': '进入销控表',
  'projects.manage': '销控管理',
  'projects.board': '大屏',
  'projects.paused': '已暂停销售',
  'projects.selling': '销售中',

  'conn.connecting': '连接中',
  'conn.online': '实时',
  'conn.offline': '离线',
  'conn.resyncing': '同步中',
  'conn.lastUpdate': '更新于 {time}',
  'conn.never': '尚未更新',

  'banner.paused': '销售已暂停',
  'banner.pausedBody': '暂时不能锁房或认购，请等待销控台通知。',
  'banner.offline': '网络已断开，正在重连…房源状态可能不是最新。',
  'banner.resyncing': '正在重新同步房源状态…',

  'grid.floor': '{n}层',
  'grid.floorShort': '{n}F',
  'grid.mine': '我的',
  'grid.buildings': '楼栋',
  'grid.empty': '该项目还没有楼栋',
  'grid.emptyHint': '房源导入后会显示在这里。',
  'grid.errorTitle': '房源加载失败',
  'grid.available': '可售 {n}',
  'grid.unitCount': '共 {n} 套',
  'grid.legend': '图例',

  'sheet.title': '{code} 房',
  'sheet.layout': '户型',
  'sheet.grossArea': '建筑面积',
  'sheet.netArea': '套内面积',
  'sheet.orientation': '朝向',
  'sheet.listPrice': '表价',
  'sheet.unitPrice': '单价',
  'sheet.dealPrice': '成交价',
  'sheet.perM2': '/m²',
  'sheet.lock': '锁定',
  'sheet.locking': '锁定中…',
  'sheet.lockedByYou': '您已锁定，请在倒计时结束前完成认购',
  'sheet.timeLeft': '剩余时间',
  'sheet.buyer': '客户信息',
  'sheet.buyerName': '客户姓名',
  'sheet.buyerNamePlaceholder': '与身份证一致',
  'sheet.buyerPhone': '手机号码',
  'sheet.buyerPhonePlaceholder': '11 位手机号',
  'sheet.confirm': '确认认购',
  'sheet.confirming': '正在认购…',
  'sheet.release': '释放',
  'sheet.releasing': '正在释放…',
  'sheet.reasonLocked': '{name} 锁定中，{time} 前释放',
  'sheet.reasonLockedMineElsewhere': '您在另一台设备上锁定了此房，请在该设备上操作',
  'sheet.reasonSubscribed': '已认购，不可再售',
  'sheet.reasonContracted': '已签约，不可再售',
  'sheet.reasonWithheld': '保留房，暂不销售',
  'sheet.reasonNotReleased': '尚未推盘，暂不销售',
  'sheet.reasonPaused': '销售已暂停，暂不能锁房',
  'sheet.reasonOffline': '网络断开，恢复后才能锁房',
  'sheet.reasonLimit': '您已锁定 {n} 套（上限），请先认购或释放',
  'sheet.reasonNoRole': '您的角色不能锁房',
  'sheet.invalidName': '请输入客户姓名',
  'sheet.invalidPhone': '请输入有效的手机号码',

  'toast.released': '已释放 {code}',
  'toast.confirmed': '{code} 认购成功',
  'toast.lockExpired': '{code} 的锁定已到期，房源已释放',
  'toast.lockLost': '{code} 已不在您的锁定中',

  'buyer.title': '认筹买家',
  'buyer.for': '为',
  'buyer.none': '未选择认筹买家：锁定不计入买家机会数',
  'buyer.required': '本项目须先选择认筹买家才能锁定',
  'buyer.choose': '选择买家',
  'buyer.change': '更换',
  'buyer.clear': '清除买家',
  'buyer.pick': '选择认筹买家',
  'buyer.pickHint': '锁定和认购将计入该买家的购房机会数',
  'buyer.search': '认筹号、姓名或手机号',
  'buyer.left': '剩余 {n}/{max} 套',
  'buyer.usedUp': '机会已用完',
  'buyer.empty': '没有匹配的认筹买家',
  'buyer.emptyHint': '请核对认筹号，或先为客户办理认筹',
  'buyer.loadFailed': '认筹名单加载失败',
  'sheet.lockFor': '为 {label} {name} 锁定',
  'sheet.registeredBuyer': '认筹买家',
  'myLocks.title': '我的锁定',
  'myLocks.count': '{n}/{max}',
  'myLocks.elsewhere': '其他设备',

  'manager.title': '销控管理',
  'manager.pause': '暂停销售',
  'manager.resume': '恢复销售',
  'manager.pausing': '正在暂停…',
  'manager.resuming': '正在恢复…',
  'manager.pauseConfirmTitle': '暂停全部销售？',
  'manager.pauseConfirmBody': '所有置业顾问将不能锁房和认购，已锁定的房源保持锁定直至到期。',
  'manager.resumeConfirmTitle': '恢复销售？',
  'manager.resumeConfirmBody': '置业顾问将可以立即锁房和认购。',
  'manager.stateSelling': '销售中',
  'manager.statePaused': '已暂停',
  'manager.statTotal': '总套数',
  'manager.statReleased': '已推',
  'manager.statSold': '已售',
  'manager.statSoldArea': '已售面积',
  'manager.statSoldAmount': '已售金额',
  'manager.statSellThrough': '去化率',
  'manager.modeInspect': '查看/保留',
  'manager.modeSelect': '选房建批次',
  'manager.selectHint': '点击房源或楼层号选择，再命名批次。',
  'manager.inspectHint': '点击房源查看详情、设为保留房或取消保留。',
  'manager.selected': '已选 {n} 套',
  'manager.clearSelection': '清空',
  'manager.batchName': '批次名称',
  'manager.batchNamePlaceholder': '例如 首批 1#楼 8–18 层',
  'manager.createBatch': '创建批次',
  'manager.createAndRelease': '创建并推盘',
  'manager.creating': '正在创建…',
  'manager.batchCreated': '批次“{name}”已创建',
  'manager.batches': '推盘批次',
  'manager.noBatches': '还没有批次',
  'manager.batchPending': '待推',
  'manager.batchReleased': '已推 {time}',
  'manager.releaseNow': '推盘',
  'manager.releasing': '推盘中…',
  'manager.releaseConfirmTitle': '立即推盘“{name}”？',
  'manager.releaseConfirmBody': '{n} 套房源将立即变为可售。此操作不可撤销。',
  'manager.released': '“{name}”已推盘',
  'manager.audit': '操作日志',
  'manager.noAudit': '暂无操作记录',
  'manager.auditTime': '时间',
  'manager.auditActor': '操作人',
  'manager.auditAction': '操作',
  'manager.auditUnit': '对象',
  'manager.auditChange': '变更',
  'manager.unitPanel': '房源详情',
  'manager.pickUnit': '在左侧点击一套房源',
  'manager.withhold': '设为保留房',
  'manager.withholding': '正在保留…',
  'manager.withholdReason': '保留原因',
  'manager.withholdReasonPlaceholder': '例如 内部预留 / 样板间',
  'manager.withholdReasonRequired': '请填写保留原因',
  'manager.unwithhold': '取消保留',
  'manager.unwithholding': '正在取消…',
  'manager.withheld': '{code} 已设为保留房',
  'manager.unwithheld': '{code} 已取消保留',
  'manager.noActions': '该状态下没有可执行的操作',
  'manager.lockedBy': '{name} 锁定中（剩余 {time}）',
  'manager.forbiddenTitle': '无权访问',
  'manager.forbiddenBody': '销控管理仅对销控经理和管理员开放。',
  'manager.toGrid': '前往销控表',
  'manager.openBoard': '打开大屏',
  'manager.refresh': '刷新',

  'board.title': '销控大屏',
  'board.lastUpdate': '最后更新',
  'board.soldAmount': '已售金额',
  'board.soldArea': '已售面积',
  'board.sellThrough': '去化率',
  'board.soldOfReleased': '已售 {sold} / 已推 {released} 套',
  'board.latestDeals': '最新成交',
  'board.noDeals': '等待第一笔认购',
  'board.nowServing': '正在叫号',
  'board.keyMissing': '缺少设备密钥',
  'board.keyMissingBody': '请使用销控台提供的大屏链接（包含 ?key=…）打开此页面。',
  'board.keyInvalid': '设备密钥无效',
  'board.available': '可售 {n}',
  'board.statusCounts': '房源状态',
  'board.unitsTotal': '共 {n} 套',

  'notFound.title': '页面不存在',
  'notFound.body': '链接可能有误，或页面已被移动。',
  'notFound.home': '返回首页',
};

export type MessageKey = keyof typeof zh;

const en: Record<MessageKey, string> = {
  'app.name': 'Kaipan',
  'app.nameEn': '开盘',
  'app.tagline': 'Launch-day sales control',

  'common.loading': 'Loading…',
  'common.retry': 'Retry',
  'common.cancel': 'Cancel',
  'common.close': 'Close',
  'common.back': 'Back',
  'common.logout': 'Sign out',
  'common.language': 'Language',
  'common.switchLanguage': '中文',
  'common.required': 'Required',
  'common.units': '{n} units',
  'common.dash': '—',

  'login.title': 'Sign in',
  'login.subtitle': 'Launch-day sales control · consultants and managers',
  'login.username': 'Username',
  'login.usernamePlaceholder': 'e.g. c001',
  'login.password': 'Password',
  'login.passwordPlaceholder': 'Your password',
  'login.submit': 'Sign in',
  'login.submitting': 'Signing in…',
  'login.showPassword': 'Show password',
  'login.hidePassword': 'Hide password',
  'login.missing': 'Enter your username and password',
  'login.footer': 'Accounts are issued by the sales manager. Ask the sales desk if you need help.',

  'projects.title': 'Choose a project',
  'projects.empty': 'You have no projects yet',
  'projects.emptyHint': 'Ask the sales manager to add you to a project.',
  'projects.units': '{n} units',
  'projects.open': 'Unit grid',
  'projects.manage': 'Sales control',
  'projects.board': 'Board',
  'projects.paused': 'Sales paused',
  'projects.selling': 'Selling',

  'conn.connecting': 'Connecting',
  'conn.online': 'Live',
  'conn.offline': 'Offline',
  'conn.resyncing': 'Syncing',
  'conn.lastUpdate': 'Updated {time}',
  'conn.never': 'Not updated yet',

  'banner.paused': 'Sales are paused',
  'banner.pausedBody': 'Locking and subscriptions are on hold. Wait for the sales desk.',
  'banner.offline': 'Connection lost, reconnecting… Unit status may be out of date.',
  'banner.resyncing': 'Resynchronising unit status…',

  'grid.floor': 'Floor {n}',
  'grid.floorShort': '{n}F',
  'grid.mine': 'Mine',
  'grid.buildings': 'Buildings',
  'grid.empty': 'This project has no buildings yet',
  'grid.emptyHint': 'Units appear here once they are imported.',
  'grid.errorTitle': 'Could not load the units',
  'grid.available': '{n} available',
  'grid.unitCount': '{n} units',
  'grid.legend': 'Legend',

  'sheet.title': 'Unit {code}',
  'sheet.layout': 'Layout',
  'sheet.grossArea': 'Gross area',
  'sheet.netArea': 'Net area',
  'sheet.orientation': 'Orientation',
  'sheet.listPrice': 'List price',
  'sheet.unitPrice': 'Price per m²',
  'sheet.dealPrice': 'Deal price',
  'sheet.perM2': '/m²',
  'sheet.lock': 'Lock',
  'sheet.locking': 'Locking…',
  'sheet.lockedByYou': 'Locked by you. Confirm before the countdown ends.',
  'sheet.timeLeft': 'Time left',
  'sheet.buyer': 'Buyer',
  'sheet.buyerName': 'Buyer name',
  'sheet.buyerNamePlaceholder': 'As on the ID card',
  'sheet.buyerPhone': 'Mobile phone',
  'sheet.buyerPhonePlaceholder': 'Mobile number',
  'sheet.confirm': 'Confirm subscription',
  'sheet.confirming': 'Confirming…',
  'sheet.release': 'Release',
  'sheet.releasing': 'Releasing…',
  'sheet.reasonLocked': 'Locked by {name} until {time}',
  'sheet.reasonLockedMineElsewhere': 'You locked this unit on another device; finish it there',
  'sheet.reasonSubscribed': 'Subscribed — no longer for sale',
  'sheet.reasonContracted': 'Contracted — no longer for sale',
  'sheet.reasonWithheld': 'Withheld — not for sale now',
  'sheet.reasonNotReleased': 'Not released for sale yet',
  'sheet.reasonPaused': 'Sales are paused; locking is on hold',
  'sheet.reasonOffline': 'Offline — you can lock once the connection is back',
  'sheet.reasonLimit': 'You hold {n} locks (the limit). Confirm or release one first',
  'sheet.reasonNoRole': 'Your role cannot lock units',
  'sheet.invalidName': 'Enter the buyer’s name',
  'sheet.invalidPhone': 'Enter a valid phone number',

  'toast.released': 'Released {code}',
  'toast.confirmed': '{code} subscribed',
  'toast.lockExpired': 'Your lock on {code} expired; the unit is back on sale',
  'toast.lockLost': '{code} is no longer locked by you',

  'buyer.title': 'Registered buyer',
  'buyer.for': 'For',
  'buyer.none': 'No registered buyer chosen: locks do not count against an entitlement',
  'buyer.required': 'Choose the registered buyer before locking (project rule)',
  'buyer.choose': 'Choose buyer',
  'buyer.change': 'Change',
  'buyer.clear': 'Clear buyer',
  'buyer.pick': 'Choose a registered buyer',
  'buyer.pickHint': 'Locks and subscriptions count against this buyer’s entitlement',
  'buyer.search': 'Registration no., name or phone',
  'buyer.left': '{n}/{max} left',
  'buyer.usedUp': 'Entitlement used',
  'buyer.empty': 'No matching registered buyer',
  'buyer.emptyHint': 'Check the registration number, or register the customer first',
  'buyer.loadFailed': 'Could not load the registrations',
  'sheet.lockFor': 'Lock for {label} {name}',
  'sheet.registeredBuyer': 'Registered buyer',
  'myLocks.title': 'My locks',
  'myLocks.count': '{n}/{max}',
  'myLocks.elsewhere': 'Other device',

  'manager.title': 'Sales control',
  'manager.pause': 'Pause sales',
  'manager.resume': 'Resume sales',
  'manager.pausing': 'Pausing…',
  'manager.resuming': 'Resuming…',
  'manager.pauseConfirmTitle': 'Pause all sales?',
  'manager.pauseConfirmBody': 'No consultant will be able to lock or confirm. Existing locks stay until they expire.',
  'manager.resumeConfirmTitle': 'Resume sales?',
  'manager.resumeConfirmBody': 'Consultants can lock and confirm units immediately.',
  'manager.stateSelling': 'Selling',
  'manager.statePaused': 'Paused',
  'manager.statTotal': 'Total units',
  'manager.statReleased': 'Released',
  'manager.statSold': 'Sold',
  'manager.statSoldArea': 'Sold area',
  'manager.statSoldAmount': 'Sold amount',
  'manager.statSellThrough': 'Sell-through',
  'manager.modeInspect': 'Inspect / withhold',
  'manager.modeSelect': 'Select for a batch',
  'manager.selectHint': 'Click units or floor numbers to select them, then name the batch.',
  'manager.inspectHint': 'Click a unit to see it, withhold it or put it back on sale.',
  'manager.selected': '{n} selected',
  'manager.clearSelection': 'Clear',
  'manager.batchName': 'Batch name',
  'manager.batchNamePlaceholder': 'e.g. Phase 1 · Bldg 1 floors 8–18',
  'manager.createBatch': 'Create batch',
  'manager.createAndRelease': 'Create and release',
  'manager.creating': 'Creating…',
  'manager.batchCreated': 'Batch “{name}” created',
  'manager.batches': 'Release batches',
  'manager.noBatches': 'No batches yet',
  'manager.batchPending': 'Pending',
  'manager.batchReleased': 'Released {time}',
  'manager.releaseNow': 'Release now',
  'manager.releasing': 'Releasing…',
  'manager.releaseConfirmTitle': 'Release “{name}” now?',
  'manager.releaseConfirmBody': '{n} units go on sale immediately. This cannot be undone.',
  'manager.released': '“{name}” released',
  'manager.audit': 'Audit log',
  'manager.noAudit': 'No activity yet',
  'manager.auditTime': 'Time',
  'manager.auditActor': 'Actor',
  'manager.auditAction': 'Action',
  'manager.auditUnit': 'Target',
  'manager.auditChange': 'Change',
  'manager.unitPanel': 'Unit details',
  'manager.pickUnit': 'Click a unit on the grid',
  'manager.withhold': 'Withhold unit',
  'manager.withholding': 'Withholding…',
  'manager.withholdReason': 'Reason',
  'manager.withholdReasonPlaceholder': 'e.g. reserved internally / show flat',
  'manager.withholdReasonRequired': 'A reason is required',
  'manager.unwithhold': 'Put back on sale',
  'manager.unwithholding': 'Updating…',
  'manager.withheld': '{code} withheld',
  'manager.unwithheld': '{code} back on sale',
  'manager.noActions': 'No actions for this status',
  'manager.lockedBy': 'Locked by {name} ({time} left)',
  'manager.forbiddenTitle': 'Not allowed',
  'manager.forbiddenBody': 'Sales control is for sales managers and administrators.',
  'manager.toGrid': 'Go to the unit grid',
  'manager.openBoard': 'Open board',
  'manager.refresh': 'Refresh',

  'board.title': 'Sales board',
  'board.lastUpdate': 'Last update',
  'board.soldAmount': 'Sold amount',
  'board.soldArea': 'Sold area',
  'board.sellThrough': 'Sell-through',
  'board.soldOfReleased': '{sold} sold of {released} released',
  'board.latestDeals': 'Latest subscriptions',
  'board.noDeals': 'Waiting for the first subscription',
  'board.nowServing': 'Now serving',
  'board.keyMissing': 'Device key missing',
  'board.keyMissingBody': 'Open this page with the board link from the sales desk (it contains ?key=…).',
  'board.keyInvalid': 'Device key not accepted',
  'board.available': '{n} available',
  'board.statusCounts': 'Unit status',
  'board.unitsTotal': '{n} units',

  'notFound.title': 'Page not found',
  'notFound.body': 'The link may be wrong or the page has moved.',
  'notFound.home': 'Home',
};

const statusZh: Record<UnitStatus, string> = {
  AVAILABLE: '可售',
  LOCKED: '锁定',
  SUBSCRIBED: '认购',
  CONTRACTED: '签约',
  WITHHELD: '保留',
  NOT_RELEASED: '未推',
};
const statusEn: Record<UnitStatus, string> = {
  AVAILABLE: 'Available',
  LOCKED: 'Locked',
  SUBSCRIBED: 'Subscribed',
  CONTRACTED: 'Contracted',
  WITHHELD: 'Withheld',
  NOT_RELEASED: 'Not released',
};

/** Audit actions the server writes today; an unknown action is shown as its code. */
const auditZh: Record<string, string> = {
  'unit.lock': '锁房',
  'unit.release': '释放',
  'unit.lock_expired': '锁定到期',
  'unit.confirm': '认购',
  'unit.withhold': '设为保留',
  'unit.unwithhold': '取消保留',
  'batch.create': '创建批次',
  'batch.release': '推盘',
  'sales.pause': '暂停销售',
  'sales.resume': '恢复销售',
  'project.seed': '初始化项目',
};
const auditEn: Record<string, string> = {
  'unit.lock': 'Lock',
  'unit.release': 'Release',
  'unit.lock_expired': 'Lock expired',
  'unit.confirm': 'Subscription',
  'unit.withhold': 'Withhold',
  'unit.unwithhold': 'Unwithhold',
  'batch.create': 'Batch created',
  'batch.release': 'Batch released',
  'sales.pause': 'Sales paused',
  'sales.resume': 'Sales resumed',
  'project.seed': 'Project set up',
};

const errorsZh: Record<ClientErrorCode, string> = {
  VALIDATION_FAILED: '填写的内容不正确，请检查后重试。',
  INVALID_CREDENTIALS: '账号或密码错误。',
  UNAUTHENTICATED: '登录已失效，请重新登录。',
  FORBIDDEN: '您没有权限执行此操作。',
  NOT_FOUND: '没有找到该内容。',
  UNIT_NOT_AVAILABLE: '该房源已不可售。',
  NOT_RELEASED: '该房源尚未推盘。',
  LOCK_HELD: '该房源已被其他置业顾问锁定。',
  LOCK_EXPIRED: '您的锁定已到期或已释放。',
  LOCK_LIMIT: '您锁定的房源已达上限，请先认购或释放。',
  SALES_PAUSED: '销售已暂停。',
  DUPLICATE_CUSTOMER: '该手机号已登记为本项目客户。',
  ALREADY_REGISTERED: '该客户已认筹，每户限一个认筹号。',
  ENTITLEMENT_EXCEEDED: '该买家的购房机会已用完。',
  REGISTRATION_REQUIRED: '请先选择认筹买家。',
  SELECTION_NOT_OPEN: '该买家尚未叫号或选房时间已过。',
  INVALID_TRANSITION: '该房源当前状态不允许此操作。',
  CONFLICT: '操作与当前状态冲突，请刷新后重试。',
  RATE_LIMITED: '操作太频繁，请稍后再试。',
  PAYLOAD_TOO_LARGE: '提交的内容过大。',
  SERVICE_UNAVAILABLE: '服务暂时不可用，请稍后重试。',
  INTERNAL: '服务器出错了，请稍后重试。',
  NETWORK_ERROR: '无法连接服务器，请检查网络。',
  TIMEOUT: '服务器响应超时，请重试。',
  OFFLINE: '网络已断开，恢复连接后再试。',
};
const errorsEn: Record<ClientErrorCode, string> = {
  VALIDATION_FAILED: 'Some input is not valid. Check it and try again.',
  INVALID_CREDENTIALS: 'Wrong username or password.',
  UNAUTHENTICATED: 'Your session has ended. Please sign in again.',
  FORBIDDEN: 'You are not allowed to do this.',
  NOT_FOUND: 'Not found.',
  UNIT_NOT_AVAILABLE: 'This unit is no longer available.',
  NOT_RELEASED: 'This unit has not been released for sale.',
  LOCK_HELD: 'Another consultant has locked this unit.',
  LOCK_EXPIRED: 'Your lock has expired or was released.',
  LOCK_LIMIT: 'You hold the maximum number of locks. Confirm or release one first.',
  SALES_PAUSED: 'Sales are paused.',
  DUPLICATE_CUSTOMER: 'A customer with this phone number is already registered in this project.',
  ALREADY_REGISTERED: 'This household already has a registration in this project.',
  ENTITLEMENT_EXCEEDED: 'The buyer has used all the units their registration allows.',
  REGISTRATION_REQUIRED: 'Choose the registered buyer this unit is for.',
  SELECTION_NOT_OPEN: "The buyer's number has not been called, or their selection time is over.",
  INVALID_TRANSITION: 'The unit cannot do that in its current status.',
  CONFLICT: 'This conflicts with the current state. Refresh and try again.',
  RATE_LIMITED: 'Too many requests. Slow down and try again.',
  PAYLOAD_TOO_LARGE: 'The request is too large.',
  SERVICE_UNAVAILABLE: 'A service is unavailable. Try again shortly.',
  INTERNAL: 'Something went wrong on the server. Try again shortly.',
  NETWORK_ERROR: 'Cannot reach the server. Check the network.',
  TIMEOUT: 'The server took too long to answer. Try again.',
  OFFLINE: 'You are offline. Try again when the connection is back.',
};

const dictionaries: Record<Locale, { messages: Record<MessageKey, string>; status: Record<UnitStatus, string>; errors: Record<ClientErrorCode, string> }> = {
  'zh-CN': { messages: zh, status: statusZh, errors: errorsZh },
  en: { messages: en, status: statusEn, errors: errorsEn },
};

const STORAGE_KEY = 'kaipan.locale';

function initialLocale(): Locale {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved === 'zh-CN' || saved === 'en') return saved;
  } catch {
    // storage unavailable (private mode): fall through to the browser language
  }
  const langs = typeof navigator === 'undefined' ? [] : (navigator.languages ?? [navigator.language]);
  for (const lang of langs) {
    const l = lang.toLowerCase();
    if (l.startsWith('zh')) return 'zh-CN';
    if (l.startsWith('en')) return 'en';
  }
  return 'zh-CN';
}

const store = createRoot(() => {
  const [locale, setLocaleSignal] = createSignal<Locale>(initialLocale());
  return { locale, setLocaleSignal };
});

/** The current language (reactive). */
export const locale = store.locale;

export function setLocale(next: Locale): void {
  store.setLocaleSignal(next);
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // not persisted; the choice still holds for this page
  }
  document.documentElement.lang = next;
}

export function toggleLocale(): void {
  setLocale(store.locale() === 'zh-CN' ? 'en' : 'zh-CN');
}

if (typeof document !== 'undefined') document.documentElement.lang = store.locale();

export type MessageParams = Record<string, string | number>;

function interpolate(template: string, params?: MessageParams): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const v = params[name];
    return v === undefined ? whole : String(v);
  });
}

/** Translate into a given language regardless of the current one (bilingual wall board). */
export function tIn(lang: Locale, key: MessageKey, params?: MessageParams): string {
  return interpolate(dictionaries[lang].messages[key], params);
}

/** Translate a message key (reactive: re-runs when the language changes). */
export function t(key: MessageKey, params?: MessageParams): string {
  return interpolate(dictionaries[store.locale()].messages[key], params);
}

export function statusLabel(status: UnitStatus): string {
  return dictionaries[store.locale()].status[status];
}

/** The message to show for anything thrown by api.ts or a hub command. */
export function describeError(error: unknown): string {
  return errorText(toApiError(error).code);
}

export function auditActionLabel(action: string): string {
  return (store.locale() === 'zh-CN' ? auditZh : auditEn)[action] ?? action;
}

export function errorText(code: ClientErrorCode): string {
  return dictionaries[store.locale()].errors[code];
}

/** The other language's label for a bilingual line (e.g. "锁定 Lock" on buttons). */
export function statusLabelIn(status: UnitStatus, lang: Locale): string {
  return dictionaries[lang].status[status];
}
