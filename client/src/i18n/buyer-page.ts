/** The buyer page /q/<token> 买家页 — [zh-CN, en]. */
import { defineMessages } from '@kaipan/web/i18n/runtime';

export const buyerPageMessages = defineMessages({
  'buyerPage.title': ['我的排号', 'My queue number'],
  'buyerPage.yourNumber': ['我的排号', 'Your number'],
  'buyerPage.ahead': ['前面还有', 'People ahead'],
  'buyerPage.aheadN': ['{n} 人', '{n}'],
  'buyerPage.wait': ['预计等待', 'Estimated wait'],
  'buyerPage.waitN': ['约 {n} 分钟', 'about {n} min'],
  'buyerPage.waitUnknown': ['叫号开始后显示', 'Shown once calling starts'],
  'buyerPage.waitNow': ['马上轮到您', 'You are next'],
  'buyerPage.calledTitle': ['轮到您了！', "It's your turn!"],
  'buyerPage.calledBody': ['请立即前往选房区。', 'Please go to the selection hall now.'],
  'buyerPage.selectionLeft': ['选房时间剩余', 'Selection time left'],
  'buyerPage.selectionOver': [
    '选房时间已结束，请联系现场工作人员。',
    'Your selection time is over. Please ask a member of staff.',
  ],
  'buyerPage.servedBody': ['您已完成选房，感谢光临。', 'Your selection is complete. Thank you for coming.'],
  'buyerPage.droppedBody': [
    '您的号码已过号，请联系现场工作人员。',
    'Your number was missed. Please ask a member of staff.',
  ],
  'buyerPage.nowServing': ['当前叫号', 'Now serving'],
  'buyerPage.nowServingNone': ['尚未叫号', 'No numbers called yet'],
  'buyerPage.shortlist': ['我的心仪房源', 'My shortlist'],
  'buyerPage.shortlistEmpty': [
    '还没有心仪房源，可以请置业顾问帮您添加。',
    'No shortlisted units yet. Your sales consultant can add some for you.',
  ],
  'buyerPage.availability': ['各户型可选房源', 'Available units by layout'],
  'buyerPage.availableOf': ['可选 {n} / {total} 套', '{n} of {total} available'],
  'buyerPage.availabilityEmpty': ['暂无房源信息', 'No units yet'],
  'buyerPage.live': ['本页实时更新，无需刷新', 'This page updates by itself'],
  'buyerPage.notFound': ['没有找到这张排号', 'Ticket not found'],
  'buyerPage.notFoundBody': [
    '请扫描排号小票上的二维码打开本页；如仍有问题，请联系现场工作人员。',
    'Open this page by scanning the QR code on your queue ticket. If it still does not work, ask a member of staff.',
  ],
  'buyerPage.loadError': ['排号信息加载失败', 'Could not load your ticket'],
  'buyerPage.issuedAt': ['取号时间 {time}', 'Taken at {time}'],
});
