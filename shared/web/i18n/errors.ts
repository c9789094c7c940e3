/**
 * The one error-code → message table of both web apps: every code of the registry
 * (shared/src/errors.ts) and the client-side codes (NETWORK_ERROR, TIMEOUT, OFFLINE), in zh-CN and
 * en. A `Record` over the codes, so a new code without its text fails to compile; the server's own
 * English message stays in the registry (ERROR_MESSAGES) for logs and API clients.
 */
import type { ClientErrorCode, Locale } from '@kaipan/shared';
import { entryText, type Entry } from './entry';

export const ERROR_TEXT: Readonly<Record<ClientErrorCode, Entry>> = {
  VALIDATION_FAILED: ['填写的内容不正确，请检查后重试。', 'Some input is not valid. Check it and try again.'],
  INVALID_CREDENTIALS: ['账号或密码错误。', 'Wrong username or password.'],
  PASSWORD_CHANGE_REQUIRED: ['请先设置新密码再继续。', 'Choose a new password before you continue.'],
  WEAK_PASSWORD: ['密码不符合密码规则。', 'The password does not meet the password rules.'],
  USERNAME_TAKEN: ['该账号已存在，请换一个。', 'This username is already taken. Choose another.'],
  SETUP_CODE_INVALID: [
    '设置码错误、已使用或已过期。重启服务器可获得新的设置码。',
    'The setup code is wrong, used or expired. Restarting the server prints a new one.',
  ],
  ALREADY_SET_UP: ['系统已有管理员，请直接登录。', 'An administrator exists already. Sign in instead.'],
  UNAUTHENTICATED: ['登录已失效，请重新登录。', 'Your session has ended. Please sign in again.'],
  FORBIDDEN: ['您没有权限执行此操作。', 'You are not allowed to do this.'],
  NOT_FOUND: ['没有找到该内容。', 'Not found.'],
  UNIT_NOT_AVAILABLE: ['该房源已不可售。', 'This unit is no longer available.'],
  NOT_RELEASED: ['该房源尚未推盘。', 'This unit has not been released for sale.'],
  LOCK_HELD: ['该房源已被其他置业顾问锁定。', 'Another consultant has locked this unit.'],
  LOCK_EXPIRED: ['您的锁定已到期或已释放。', 'Your lock has expired or was released.'],
  LOCK_LIMIT: [
    '您锁定的房源已达上限，请先认购或释放。',
    'You hold the maximum number of locks. Confirm or release one first.',
  ],
  SALES_PAUSED: ['销售已暂停。', 'Sales are paused.'],
  DUPLICATE_CUSTOMER: [
    '该手机号已登记为本项目客户。',
    'A customer with this phone number is already registered in this project.',
  ],
  ALREADY_REGISTERED: [
    '该客户已认筹，每户限一个认筹号。',
    'This household already has a registration in this project.',
  ],
  ENTITLEMENT_EXCEEDED: ['该买家的购房机会已用完。', 'The buyer has used all the units their registration allows.'],
  REGISTRATION_REQUIRED: ['请先选择认筹买家。', 'Choose the registered buyer this unit is for.'],
  SELECTION_NOT_OPEN: [
    '该买家尚未叫号或选房时间已过。',
    "The buyer's number has not been called, or their selection time is over.",
  ],
  PRICE_VERSION_STALE: [
    '价目表已更新，请重新报价后再认购。',
    'Prices changed (a new price list is active). Quote again, then confirm.',
  ],
  APPROVAL_REQUIRED: [
    '成交价低于底价，需经理审批后才能认购。',
    "The price is below the floor price and needs a manager's approval.",
  ],
  DISCOUNT_NOT_APPLICABLE: ['所选优惠不适用于本次成交。', 'A selected discount does not apply to this deal.'],
  PLAN_NOT_APPLICABLE: ['该付款方案不适用于此价格。', 'This payment plan cannot be used for this price.'],
  PROJECT_ARCHIVED: ['该项目已归档：只读，不可销售。', 'The project is archived: it is read-only and nothing is sold.'],
  UNIT_NOT_PERMITTED: [
    '部分房源不在任何预售许可证范围内，不能推盘。',
    'Some units are covered by no presale permit and cannot be released.',
  ],
  NOT_A_REHEARSAL: ['只有演练项目可以重置；这是正式项目。', 'Only a rehearsal can be reset; this is a real project.'],
  REHEARSAL_SOURCE: [
    '演练只能从正式项目复制，不能从另一个演练复制。',
    'A rehearsal is copied from a real project, not from another rehearsal.',
  ],
  IMPORT_INVALID: ['文件中有错误行，未导入任何数据。', 'The file has invalid rows; nothing was imported.'],
  UNIT_CODE_TAKEN: [
    '房号重复（项目中已存在或规则重复），未生成任何房源。',
    'Unit codes would be used twice; nothing was created.',
  ],
  NOT_DELETABLE: [
    '曾推售、锁定或成交的房源不能删除。',
    'Units that were ever released, locked or sold cannot be deleted.',
  ],
  ABOVE_FILED_PRICE: ['成交价高于该房源的备案价。', 'The price is above the filed price of the unit.'],
  UNPRINTABLE_CHARACTER: [
    '文件中有服务器字体无法打印的字（如生僻字），未生成文件。请联系管理员安装完整中文字体。',
    'The document has a character no font on the server can print (a rare character); nothing was printed. Ask an administrator to install a full Chinese font.',
  ],
  INVALID_TRANSITION: [
    '当前状态不允许此操作（可能已被他人处理），请刷新后查看。',
    'Not possible in the current state (someone may have handled it already). Refresh to see.',
  ],
  CONFLICT: ['操作与当前状态冲突，请刷新后重试。', 'This conflicts with the current state. Refresh and try again.'],
  DEVICE_REVOKED: ['此屏幕已被管理员移除，请重新配对。', 'This screen was removed by a manager — pair it again.'],
  PAIRING_EXPIRED: [
    '配对码已过期或不存在，请在屏幕上获取新的配对码。',
    'This pairing code has expired or does not exist. Show a new code on the screen.',
  ],
  PAIRING_USED: ['该配对码已被使用。', 'This pairing code has already been used.'],
  RATE_LIMITED: ['操作太频繁，请稍后再试。', 'Too many requests. Slow down and try again.'],
  PAYLOAD_TOO_LARGE: ['提交的内容过大。', 'The request is too large.'],
  LAST_MANAGER: [
    '项目将没有销售经理：请先指定另一位经理。',
    'The project would be left without a manager: make someone else manager first.',
  ],
  ROLE_NOT_ASSIGNABLE: [
    '系统管理员是账号设置，不是项目角色。',
    'Administrator is an account setting, not a role in a project.',
  ],
  SERVICE_UNAVAILABLE: ['服务暂时不可用，请稍后重试。', 'A service is unavailable. Try again shortly.'],
  INTERNAL: ['服务器出错了，请稍后重试。', 'Something went wrong on the server. Try again shortly.'],
  NETWORK_ERROR: ['无法连接服务器，请检查网络。', 'Cannot reach the server. Check the network.'],
  TIMEOUT: ['服务器响应超时，请重试。', 'The server took too long to answer. Try again.'],
  OFFLINE: ['网络已断开，恢复连接后再试。', 'You are offline. Try again when the connection is back.'],
};

/** The message for a code in a language. */
export function errorTextIn(lang: Locale, code: ClientErrorCode): string {
  return entryText(ERROR_TEXT[code], lang);
}
