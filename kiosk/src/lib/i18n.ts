/**
 * Kiosk dictionaries, zh-CN and en. The language comes from the browser, can be switched with the
 * big toggle, and is remembered on the device. Typed against the Chinese dictionary and the error
 * codes, so a missing translation fails to compile.
 */
import { createRoot, createSignal } from 'solid-js';
import type { Locale } from '@kaipan/shared';
import { interpolate, pickLocale } from '@kaipan/shared';
import { toApiError, type ClientErrorCode } from './api';

const zh = {
  'app.title': '排号机',

  'common.retry': '重试',
  'common.loading': '加载中…',
  'common.back': '返回',
  'common.language': 'English',
  'common.languageLabel': '切换语言',
  'common.offline': '网络已断开 · 恢复后可继续取号',
  'common.systemDown': '系统故障，暂停取号 · 正在自动恢复',
  'common.offlineShort': '离线',
  'common.online': '实时',
  'common.connecting': '连接中',

  'setup.title': '设置排号机',
  'setup.body': '输入本设备的排号机密钥（由销控经理提供，每台设备只需设置一次）。',
  'setup.key': '设备密钥',
  'setup.keyPlaceholder': '例如 demo-kiosk-key-…',
  'setup.check': '验证并保存',
  'setup.checking': '正在验证…',
  'setup.badKey': '密钥无效，或不是排号机的密钥。',
  'setup.ready': '已连接项目',
  'setup.modeTitle': '本设备用作',
  'setup.modeKiosk': '取号机',
  'setup.modeKioskHint': '买家在这里取排号',
  'setup.modeScreen': '叫号屏',
  'setup.modeScreenHint': '大厅电视：显示叫号并语音播报',
  'setup.forget': '更换密钥',
  'setup.autoPrint': '取号后自动打印小票',
  'setup.pinTitle': '输入设置密码',
  'setup.pinBody': '仅限工作人员，设置密码由销控经理提供。',
  'setup.pinPlaceholder': '设置密码',
  'setup.pinHint': '4–8 位数字',
  'setup.pinOpen': '打开设置',
  'setup.pinLeave': '返回',
  'setup.pinWrong': '设置密码不正确。',
  'setup.pinWrongLeft': '设置密码不正确，还可再试 {n} 次。',
  'setup.pinWait': '请 {n} 秒后再试',
  'setup.noPin': '本项目还没有设置排号机设置密码：请销控经理在管理页面的“项目设置”中设置。',
  'setup.lock': '锁定设置',

  'take.welcome': '欢迎取号',
  'take.chooseCategory': '请选择排号类别',
  'take.issued': '已发 {n} 号',
  'take.noCategories': '暂未开放取号',
  'take.noCategoriesHint': '请联系现场工作人员。',
  'take.phoneTitle': '请输入手机号',
  'take.phoneHint': '同一手机号只能取一个号，重复取号会显示原来的号码。',
  'take.phonePlaceholder': '手机号',
  'take.phoneBadStart': '手机号应以 13–19 开头',
  'take.phoneInvalid': '请输入正确的 11 位手机号',
  'take.haveQr': '我有认筹二维码',
  'take.usePhone': '用手机号取号',
  'take.submit': '取号',
  'take.submitting': '正在取号…',
  'take.regTitle': '扫描认筹二维码',
  'take.regTypeTitle': '输入认筹编号',
  'take.regHint': '把认筹单上的二维码对准摄像头；也可以在下方输入认筹编号。',
  'take.regNoCamera': '本设备不支持扫码，请输入认筹编号（例如 R0007 输入 7）。',
  'take.regCameraError': '无法打开摄像头，请输入认筹编号。',
  'take.regPlaceholder': '认筹编号',
  'take.regNotFound': '没有找到这个认筹编号，请核对或用手机号取号。',
  'take.category': '类别',
  'keypad.delete': '删除',
  'keypad.clear': '清空',

  'result.yourNumber': '您的排号',
  'result.already': '您已取过号，这是您原来的号码',
  'result.ahead': '前面还有',
  'result.aheadN': '{n} 人',
  'result.wait': '预计等待',
  'result.waitN': '约 {n} 分钟',
  'result.waitUnknown': '叫号开始后显示',
  'result.waitNow': '马上轮到您',
  'result.called': '已叫到您的号，请到选房区',
  'result.scan': '手机扫码查看排队进度、心仪房源实时状态',
  'result.printing': '正在打印小票…',
  'result.preparing': '正在生成小票…',
  'result.printed': '小票已打印，请取走',
  'result.printFailed': '小票打印失败',
  'result.print': '打印小票',
  'result.printAgain': '再打印一张',
  'result.done': '完成',
  'result.autoReturn': '{n} 秒后返回首页',

  'screen.nowServing': '请以下号码到选房区',
  'screen.latest': '当前叫号',
  'screen.recent': '已叫',
  'screen.next': '即将叫号',
  'screen.waiting': '等候 {n} 人',
  'screen.noCalls': '尚未叫号',
  'screen.noCategories': '暂未设置排号类别',
  'screen.voiceOn': '语音 开',
  'screen.voiceOff': '语音 关',
  'screen.voiceLang': '播报语言',
  'screen.voiceBoth': '中 + EN',
  'screen.voiceUnsupported': '此浏览器不支持语音播报',
  'screen.enableSound': '点击屏幕启用声音',
  'screen.scanHint': '取号后扫描小票二维码，可在手机上查看进度',
  'screen.loadError': '叫号信息加载失败，正在重试…',
} as const;

export type MessageKey = keyof typeof zh;

const en: Record<MessageKey, string> = {
  'app.title': 'Queue kiosk',

  'common.retry': 'Retry',
  'common.loading': 'Loading…',
  'common.back': 'Back',
  'common.language': '中文',
  'common.languageLabel': 'Switch language',
  'common.offline': 'Offline · numbers can be taken again when the network is back',
  'common.systemDown': 'Taking numbers is paused: the system is recovering automatically',
  'common.offlineShort': 'Offline',
  'common.online': 'Live',
  'common.connecting': 'Connecting',

  'setup.title': 'Set up this kiosk',
  'setup.body': "Enter this device's kiosk key (from the sales manager; once per device).",
  'setup.key': 'Device key',
  'setup.keyPlaceholder': 'e.g. demo-kiosk-key-…',
  'setup.check': 'Check and save',
  'setup.checking': 'Checking…',
  'setup.badKey': 'This key is not valid, or not a kiosk key.',
  'setup.ready': 'Connected to',
  'setup.modeTitle': 'Use this device as',
  'setup.modeKiosk': 'Queue kiosk',
  'setup.modeKioskHint': 'Buyers take their numbers here',
  'setup.modeScreen': 'Calling screen',
  'setup.modeScreenHint': 'Hall TV: shows and announces called numbers',
  'setup.forget': 'Change key',
  'setup.autoPrint': 'Print the ticket automatically',
  'setup.pinTitle': 'Enter the setup PIN',
  'setup.pinBody': 'Staff only: the sales manager gives out the setup PIN.',
  'setup.pinPlaceholder': 'Setup PIN',
  'setup.pinHint': '4 to 8 digits',
  'setup.pinOpen': 'Open setup',
  'setup.pinLeave': 'Back',
  'setup.pinWrong': 'Wrong PIN.',
  'setup.pinWrongLeft': 'Wrong PIN: {n} more tries before a wait.',
  'setup.pinWait': 'Try again in {n} s',
  'setup.noPin': 'No setup PIN has been set for this project: the sales manager sets it on the manager page, under project settings.',
  'setup.lock': 'Lock setup',

  'take.welcome': 'Take a number',
  'take.chooseCategory': 'Choose your queue',
  'take.issued': '{n} issued',
  'take.noCategories': 'Numbers are not being issued yet',
  'take.noCategoriesHint': 'Please ask a member of staff.',
  'take.phoneTitle': 'Enter your mobile number',
  'take.phoneHint': 'One number per phone. Asking again shows the number you already have.',
  'take.phonePlaceholder': 'Mobile number',
  'take.phoneBadStart': 'Mobile numbers start with 13–19',
  'take.phoneInvalid': 'Enter a valid 11-digit mobile number',
  'take.haveQr': 'I have a registration QR',
  'take.usePhone': 'Use my mobile number',
  'take.submit': 'Get my number',
  'take.submitting': 'Getting your number…',
  'take.regTitle': 'Scan your registration QR',
  'take.regTypeTitle': 'Enter your registration number',
  'take.regHint': 'Hold the QR code of your registration slip to the camera, or type the registration number below.',
  'take.regNoCamera': 'This device cannot scan. Type the registration number (for R0007, type 7).',
  'take.regCameraError': 'The camera could not be opened. Type the registration number.',
  'take.regPlaceholder': 'Registration no.',
  'take.regNotFound': 'No such registration. Check the number or use your mobile number.',
  'take.category': 'Queue',
  'keypad.delete': 'Delete',
  'keypad.clear': 'Clear',

  'result.yourNumber': 'Your number',
  'result.already': 'You already have a number — here it is',
  'result.ahead': 'People ahead',
  'result.aheadN': '{n}',
  'result.wait': 'Estimated wait',
  'result.waitN': 'about {n} min',
  'result.waitUnknown': 'shown once calling starts',
  'result.waitNow': 'You are next',
  'result.called': 'Your number has been called: please go to the selection hall',
  'result.scan': 'Scan to follow the queue and your shortlisted units live on your phone',
  'result.printing': 'Printing your ticket…',
  'result.preparing': 'Preparing your ticket…',
  'result.printed': 'Ticket printed — please take it',
  'result.printFailed': 'The ticket could not be printed',
  'result.print': 'Print ticket',
  'result.printAgain': 'Print again',
  'result.done': 'Done',
  'result.autoReturn': 'Back to the start in {n} s',

  'screen.nowServing': 'Please proceed to the selection hall',
  'screen.latest': 'Now calling',
  'screen.recent': 'Called',
  'screen.next': 'Next',
  'screen.waiting': '{n} waiting',
  'screen.noCalls': 'No numbers called yet',
  'screen.noCategories': 'No queues set up yet',
  'screen.voiceOn': 'voice on',
  'screen.voiceOff': 'voice off',
  'screen.voiceLang': 'Voice language',
  'screen.voiceBoth': '中 + EN',
  'screen.voiceUnsupported': 'This browser cannot speak announcements',
  'screen.enableSound': 'Tap the screen to enable sound',
  'screen.scanHint': 'Scan the QR on your ticket to follow the queue on your phone',
  'screen.loadError': 'Could not load the queue; retrying…',
};

const errorsZh: Record<ClientErrorCode, string> = {
  VALIDATION_FAILED: '输入的内容不正确，请检查后重试。',
  INVALID_CREDENTIALS: '密钥无效。',
  UNAUTHENTICATED: '设备密钥无效或已停用，请联系销控经理。',
  FORBIDDEN: '本设备不能执行此操作。',
  NOT_FOUND: '没有找到。',
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
  PRICE_VERSION_STALE: '价格已更新，请重试。',
  APPROVAL_REQUIRED: '需经理审批。',
  DISCOUNT_NOT_APPLICABLE: '优惠不适用。',
  PLAN_NOT_APPLICABLE: '付款方案不适用。',
  IMPORT_INVALID: '文件有误，未导入。',
  UNPRINTABLE_CHARACTER: '有服务器字体无法打印的生僻字，未打印。请联系管理员。',
  INVALID_TRANSITION: '当前状态不允许此操作。',
  CONFLICT: '操作冲突，请重试。',
  RATE_LIMITED: '操作太频繁，请稍后再试。',
  PAYLOAD_TOO_LARGE: '内容过大。',
  SERVICE_UNAVAILABLE: '服务暂时不可用，请稍后重试。',
  INTERNAL: '系统出错了，请稍后重试或联系工作人员。',
  NETWORK_ERROR: '无法连接服务器，请联系工作人员。',
  TIMEOUT: '服务器响应超时，请重试。',
  OFFLINE: '网络已断开，恢复后再试。',
};

const errorsEn: Record<ClientErrorCode, string> = {
  VALIDATION_FAILED: 'Something you entered is not valid. Check it and try again.',
  INVALID_CREDENTIALS: 'The key is not valid.',
  UNAUTHENTICATED: 'The device key is not valid or was disabled. Ask the sales manager.',
  FORBIDDEN: 'This device may not do that.',
  NOT_FOUND: 'Not found.',
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
  PRICE_VERSION_STALE: 'Prices changed. Try again.',
  APPROVAL_REQUIRED: 'Needs a manager approval.',
  DISCOUNT_NOT_APPLICABLE: 'Discount does not apply.',
  PLAN_NOT_APPLICABLE: 'Payment plan does not apply.',
  IMPORT_INVALID: 'The file has errors; nothing imported.',
  UNPRINTABLE_CHARACTER: 'A rare character cannot be printed with the server’s fonts; nothing printed. Ask an administrator.',
  INVALID_TRANSITION: 'Not possible in the current state.',
  CONFLICT: 'Conflict. Try again.',
  RATE_LIMITED: 'Too many requests. Try again in a moment.',
  PAYLOAD_TOO_LARGE: 'Too large.',
  SERVICE_UNAVAILABLE: 'The service is unavailable. Try again shortly.',
  INTERNAL: 'Something went wrong. Try again or ask a member of staff.',
  NETWORK_ERROR: 'Cannot reach the server. Please ask a member of staff.',
  TIMEOUT: 'The server took too long. Try again.',
  OFFLINE: 'Offline. Try again when the network is back.',
};

const dictionaries: Record<Locale, { messages: Record<MessageKey, string>; errors: Record<ClientErrorCode, string> }> = {
  'zh-CN': { messages: zh, errors: errorsZh },
  en: { messages: en, errors: errorsEn },
};

const STORAGE_KEY = 'kaipan.kiosk.locale';

function initialLocale(): Locale {
  let saved: string | null = null;
  try {
    saved = localStorage.getItem(STORAGE_KEY);
  } catch {
    // storage unavailable (private mode): the browser language decides
  }
  return pickLocale(saved, typeof navigator === 'undefined' ? [] : (navigator.languages ?? [navigator.language]));
}

const store = createRoot(() => {
  const [locale, setLocaleSignal] = createSignal<Locale>(initialLocale());
  return { locale, setLocaleSignal };
});

export const locale = store.locale;

export function setLocale(next: Locale): void {
  store.setLocaleSignal(next);
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // not persisted
  }
  document.documentElement.lang = next;
}

export function toggleLocale(): void {
  setLocale(store.locale() === 'zh-CN' ? 'en' : 'zh-CN');
}

if (typeof document !== 'undefined') document.documentElement.lang = store.locale();

export type MessageParams = Record<string, string | number>;


/** Translate (reactive: follows the language toggle). */
export function t(key: MessageKey, params?: MessageParams): string {
  return interpolate(dictionaries[store.locale()].messages[key], params);
}

/** Translate into one language whatever the current one (the bilingual calling screen). */
export function tIn(lang: Locale, key: MessageKey, params?: MessageParams): string {
  return interpolate(dictionaries[lang].messages[key], params);
}

export function errorText(code: ClientErrorCode): string {
  return dictionaries[store.locale()].errors[code];
}

/** The message for anything thrown by api.ts. */
export function describeError(error: unknown): string {
  return errorText(toApiError(error).code);
}

/** A category's name in the current language. */
export function categoryName(c: { name: string; nameEn: string }): string {
  return store.locale() === 'en' ? c.nameEn || c.name : c.name;
}
