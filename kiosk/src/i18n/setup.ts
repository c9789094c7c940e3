/** The device setup screen 设备设置 (/queue/setup): key, PIN, printing, mode — [zh-CN, en]. */
import { defineMessages } from '@kaipan/web/i18n/runtime';

export const setupMessages = defineMessages({
  'setup.title': ['设置排号机', 'Set up this kiosk'],
  'setup.body': [
    '输入本设备的排号机密钥（由销控经理提供，每台设备只需设置一次）。',
    "Enter this device's kiosk key (from the sales manager; once per device).",
  ],
  'setup.key': ['设备密钥', 'Device key'],
  'setup.typeKey': ['已有设备密钥？输入密钥', 'Have a device key? Type it instead'],
  'setup.keyPlaceholder': ['例如 demo-kiosk-key-…', 'e.g. demo-kiosk-key-…'],
  'setup.check': ['验证并保存', 'Check and save'],
  'setup.checking': ['正在验证…', 'Checking…'],
  'setup.badKey': ['密钥无效，或不是排号机的密钥。', 'This key is not valid, or not a kiosk key.'],
  'setup.ready': ['已连接项目', 'Connected to'],
  'setup.modeTitle': ['本设备用作', 'Use this device as'],
  'setup.modeKiosk': ['取号机', 'Queue kiosk'],
  'setup.modeKioskHint': ['买家在这里取排号', 'Buyers take their numbers here'],
  'setup.modeScreen': ['叫号屏', 'Calling screen'],
  'setup.modeScreenHint': ['大厅电视：显示叫号并语音播报', 'Hall TV: shows and announces called numbers'],
  'setup.forget': ['更换密钥', 'Change key'],
  'setup.autoPrint': ['取号后自动打印小票', 'Print the ticket automatically'],
  'setup.pinTitle': ['输入设置密码', 'Enter the setup PIN'],
  'setup.pinBody': ['仅限工作人员，设置密码由销控经理提供。', 'Staff only: the sales manager gives out the setup PIN.'],
  'setup.pinPlaceholder': ['设置密码', 'Setup PIN'],
  'setup.pinHint': ['4–8 位数字', '4 to 8 digits'],
  'setup.pinOpen': ['打开设置', 'Open setup'],
  'setup.pinLeave': ['返回', 'Back'],
  'setup.pinWrong': ['设置密码不正确。', 'Wrong PIN.'],
  'setup.pinWrongLeft': ['设置密码不正确，还可再试 {n} 次。', 'Wrong PIN: {n} more tries before a wait.'],
  'setup.pinWait': ['请 {n} 秒后再试', 'Try again in {n} s'],
  'setup.noPin': [
    '本项目还没有设置排号机设置密码：请销控经理在管理页面的“项目设置”中设置。',
    'No setup PIN has been set for this project: the sales manager sets it on the manager page, under project settings.',
  ],
  'setup.lock': ['锁定设置', 'Lock setup'],
});
