/** Words of every kiosk screen: app title, common buttons, connection, the keypad — [zh-CN, en]. */
import { defineMessages } from '@kaipan/web/i18n/runtime';

export const commonMessages = defineMessages({
  'app.title': ['排号机', 'Queue kiosk'],

  'common.retry': ['重试', 'Retry'],
  'common.loading': ['加载中…', 'Loading…'],
  'common.back': ['返回', 'Back'],
  'common.language': ['English', '中文'],
  'common.languageLabel': ['切换语言', 'Switch language'],
  'common.offline': ['网络已断开 · 恢复后可继续取号', 'Offline · numbers can be taken again when the network is back'],
  'common.systemDown': [
    '系统故障，暂停取号 · 正在自动恢复',
    'Taking numbers is paused: the system is recovering automatically',
  ],
  'common.offlineShort': ['离线', 'Offline'],
  'common.online': ['实时', 'Live'],
  'common.connecting': ['连接中', 'Connecting'],
  'keypad.delete': ['删除', 'Delete'],
  'keypad.clear': ['清空', 'Clear'],

  // A device is not a person: how the kiosk words the refusals of its key and its wider errors.
  'device.keyRefused': [
    '设备密钥无效或已停用，请联系销控经理。',
    'The device key is not valid or was disabled. Ask the sales manager.',
  ],
  'device.keyInvalid': ['密钥无效。', 'The key is not valid.'],
  'device.forbidden': ['本设备不能执行此操作。', 'This device may not do that.'],
  'device.unreachable': ['无法连接服务器，请联系工作人员。', 'Cannot reach the server. Please ask a member of staff.'],
  'device.internal': [
    '系统出错了，请稍后重试或联系工作人员。',
    'Something went wrong. Try again or ask a member of staff.',
  ],
});
