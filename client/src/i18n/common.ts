/** Messages every screen uses: app name, common buttons, connection, banners, toasts, projects — [zh-CN, en]. */
import { defineMessages } from '@kaipan/web/i18n/runtime';

export const commonMessages = defineMessages({
  'app.name': ['开盘', 'Kaipan'],
  'app.nameEn': ['Kaipan', '开盘'],
  'app.tagline': ['开盘销控系统', 'Launch-day sales control'],

  'common.loading': ['加载中…', 'Loading…'],
  'common.retry': ['重试', 'Retry'],
  'common.cancel': ['取消', 'Cancel'],
  'common.close': ['关闭', 'Close'],
  'common.back': ['返回', 'Back'],
  'common.logout': ['退出登录', 'Sign out'],
  'common.menu': ['菜单', 'Menu'],
  'common.language': ['语言', 'Language'],
  'common.switchLanguage': ['English', '中文'],
  'common.units': ['{n} 套', '{n} units'],
  'common.dash': ['—', '—'],

  'projects.title': ['选择项目', 'Choose a project'],
  'projects.empty': ['您还没有可访问的项目', 'You have no projects yet'],
  'projects.emptyHint': ['请联系销控经理把您加入项目。', 'Ask the sales manager to add you to a project.'],
  'projects.units': ['{n} 套房源', '{n} units'],
  'projects.open': ['进入销控表', 'Unit grid'],
  'projects.manage': ['销控管理', 'Sales control'],
  'projects.paused': ['已暂停销售', 'Sales paused'],
  'projects.selling': ['销售中', 'Selling'],

  'conn.connecting': ['连接中', 'Connecting'],
  'conn.online': ['实时', 'Live'],
  'conn.offline': ['离线', 'Offline'],
  'conn.resyncing': ['同步中', 'Syncing'],
  'conn.lastUpdate': ['更新于 {time}', 'Updated {time}'],
  'conn.never': ['尚未更新', 'Not updated yet'],

  'banner.paused': ['销售已暂停', 'Sales are paused'],
  'banner.pausedBody': [
    '暂时不能锁房或认购，请等待销控台通知。',
    'Locking and subscriptions are on hold. Wait for the sales desk.',
  ],
  'banner.offline': [
    '网络已断开，正在重连…房源状态可能不是最新。',
    'Connection lost, reconnecting… Unit status may be out of date.',
  ],
  'banner.resyncing': ['正在重新同步房源状态…', 'Resynchronising unit status…'],
  'banner.systemPostgres': [
    '系统故障，暂停选房 · 正在自动恢复',
    'Selling paused: the database is unavailable, recovering automatically',
  ],
  'banner.systemRedis': [
    '系统故障，暂停选房 · 正在自动恢复',
    'Selling paused: the live sales service is unavailable, recovering automatically',
  ],
  'banner.systemBodyPostgres': [
    '数据库暂时不可用：锁房和认购已暂停，恢复后自动继续，无需刷新页面。',
    'Locking and confirming are on hold and resume by themselves — no need to reload.',
  ],
  'banner.systemBodyRedis': [
    '实时销控服务暂时不可用：锁房和认购已暂停，恢复后自动继续，无需刷新页面。',
    'Locking and confirming are on hold and resume by themselves — no need to reload.',
  ],
  'banner.systemBack': ['系统已恢复，可以继续选房。', 'The system is back: selling has resumed.'],

  'toast.released': ['已释放 {code}', 'Released {code}'],
  'toast.confirmed': ['{code} 认购成功', '{code} subscribed'],
  'toast.lockExpired': ['{code} 的锁定已到期，房源已释放', 'Your lock on {code} expired; the unit is back on sale'],
  'toast.lockLost': ['{code} 已不在您的锁定中', '{code} is no longer locked by you'],

  'notFound.title': ['页面不存在', 'Page not found'],
  'notFound.body': ['链接可能有误，或页面已被移动。', 'The link may be wrong or the page has moved.'],
  'notFound.home': ['返回首页', 'Home'],
});
