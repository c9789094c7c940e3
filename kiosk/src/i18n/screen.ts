/** The calling screen 叫号屏 (/queue/screen) — [zh-CN, en]. */
import { defineMessages } from '@kaipan/web/i18n/runtime';

export const screenMessages = defineMessages({
  'screen.nowServing': ['请以下号码到选房区', 'Please proceed to the selection hall'],
  'screen.latest': ['当前叫号', 'Now calling'],
  'screen.recent': ['已叫', 'Called'],
  'screen.next': ['即将叫号', 'Next'],
  'screen.waiting': ['等候 {n} 人', '{n} waiting'],
  'screen.noCalls': ['尚未叫号', 'No numbers called yet'],
  'screen.noCategories': ['暂未设置排号类别', 'No queues set up yet'],
  'screen.voiceOn': ['语音 开', 'voice on'],
  'screen.voiceOff': ['语音 关', 'voice off'],
  'screen.voiceLang': ['播报语言', 'Voice language'],
  'screen.voiceBoth': ['中 + EN', '中 + EN'],
  'screen.voiceUnsupported': ['此浏览器不支持语音播报', 'This browser cannot speak announcements'],
  'screen.enableSound': ['点击屏幕启用声音', 'Tap the screen to enable sound'],
  'screen.scanHint': [
    '取号后扫描小票二维码，可在手机上查看进度',
    'Scan the QR on your ticket to follow the queue on your phone',
  ],
  'screen.loadError': ['叫号信息加载失败，正在重试…', 'Could not load the queue; retrying…'],
});
