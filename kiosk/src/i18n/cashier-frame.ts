/** The cashier desk 收银台 frame: sign-in, header, navigation, receipt books, void approvals, the unanswered payment — [zh-CN, en]. */
import { defineMessages } from '@kaipan/web/i18n/runtime';

export const cashierFrameMessages = defineMessages({
  'app.title': ['收银台', 'Cashier'],
  'app.brand': ['开盘 Kaipan', 'Kaipan 开盘'],
  'app.loadFailed': ['收银台加载失败', 'The cashier desk could not load'],
  'app.noProject': ['没有可用的项目', 'No project'],
  'app.noProjectHint': [
    '此账号还未加入任何项目，请联系销控经理。',
    'This account is not a member of any project. Ask the sales manager.',
  ],

  'common.loading': ['加载中…', 'Loading…'],
  'common.retry': ['重试', 'Retry'],
  'common.cancel': ['取消', 'Cancel'],
  'common.close': ['关闭', 'Close'],
  'common.done': ['完成', 'Done'],
  'common.language': ['English', '中文'],
  'common.languageLabel': ['切换语言', 'Switch language'],
  'common.offline': [
    '网络已断开 · 已录入的收款不会丢失，恢复后可继续操作',
    'Offline · payments already recorded are safe; carry on when the network is back',
  ],
  'common.systemDown': [
    '系统故障，暂停收款 · 正在自动恢复，已录入的收款不会丢失',
    'Payments paused: the system is recovering automatically; payments already recorded are safe',
  ],

  'login.title': ['收银台登录', 'Cashier sign-in'],
  'login.subtitle': [
    '使用出纳账号登录（经理账号也可登录以审批作废）。',
    'Sign in with a cashier account (managers may sign in to approve voids).',
  ],
  'login.username': ['用户名', 'Username'],
  'login.password': ['密码', 'Password'],
  'login.submit': ['登录', 'Sign in'],
  'login.submitting': ['正在登录…', 'Signing in…'],
  'login.missing': ['请输入用户名和密码。', 'Enter your username and password.'],
  'login.invalid': ['用户名或密码错误。', 'Wrong username or password.'],
  'login.role': [
    '此账号不能使用收银台（需要出纳或经理账号）。',
    'This account cannot use the cashier desk (a cashier or manager account is needed).',
  ],
  'login.footer': [
    '收款、收据、日结 · 每笔收款只记录一次',
    'Payments, receipts, day-end · every payment is recorded exactly once',
  ],

  'nav.label': ['收银台导航', 'Cashier navigation'],
  'nav.desk': ['收款', 'Payments'],
  'nav.dayEnd': ['日结', 'Day-end'],
  'nav.project': ['项目', 'Project'],
  'nav.signOut': ['退出登录', 'Sign out'],

  'paper.label': ['收据纸张', 'Receipt paper'],
  'paper.A5': ['A5 纸', 'A5 sheet'],
  'paper.THERMAL_80': ['80mm 热敏', '80 mm thermal'],

  'book.next': ['下一张收据', 'Next receipt'],
  'book.remaining': ['剩 {n} 张', '{n} left'],
  'book.none': ['无可用收据本', 'No receipt book'],
  'book.noneHint': [
    '您没有可用的收据本，收款将无法开具收据。请联系销控经理分配收据本。',
    'You have no receipt book, so payments cannot be given a receipt. Ask the sales manager for one.',
  ],
  'book.title': ['收据本 {prefix}：{first}–{last}', 'Receipt book {prefix}: {first}–{last}'],

  'pending.title': ['有一笔收款尚未确认', 'A payment is not confirmed yet'],
  'pending.body': [
    '{label} · {amount} · {time} 发出后未收到答复。再次发送使用同一编号，不会重复收款。',
    '{label} · {amount} · sent at {time}, no answer received. Sending again uses the same key: it is never recorded twice.',
  ],
  'pending.resend': ['再次发送', 'Send again'],
  'pending.discard': ['放弃', 'Discard'],
  'pending.discardConfirm': [
    '放弃这笔未确认的收款？如果它其实已被记录，仍会出现在收款记录中。',
    'Discard this unconfirmed payment? If it was in fact recorded, it still appears in the payments.',
  ],

  'approvals.button': ['作废审批', 'Void approvals'],
  'approvals.title': ['待审批的作废申请', 'Void requests waiting'],
  'approvals.empty': ['没有待审批的作废申请', 'No void requests waiting'],
  'approvals.emptyHint': ['出纳提交的作废申请会显示在这里。', "Cashiers' void requests appear here."],
  'approvals.loadFailed': ['作废申请加载失败', 'Could not load void requests'],
  'approvals.by': ['{who} 申请于 {when}', 'asked by {who} at {when}'],
  'approvals.note': ['审批意见（选填）', 'Note (optional)'],
  'approvals.approve': ['批准作废', 'Approve void'],
  'approvals.reject': ['驳回', 'Reject'],
  'approvals.withdraw': ['撤回申请', 'Withdraw request'],
  'approvals.own': [
    '这是您本人提交的申请：须由另一位经理审批。',
    'You asked for this one: another manager must decide it.',
  ],
});
