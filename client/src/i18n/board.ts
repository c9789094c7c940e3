/** The wall board 销控大屏 — [zh-CN, en]. */
import { defineMessages } from '@kaipan/web/i18n/runtime';

export const boardMessages = defineMessages({
  'board.title': ['销控大屏', 'Sales board'],
  'board.lastUpdate': ['最后更新', 'Last update'],
  'board.soldAmount': ['已售金额', 'Sold amount'],
  'board.soldArea': ['已售面积', 'Sold area'],
  'board.sellThrough': ['去化率', 'Sell-through'],
  'board.soldOfReleased': ['已售 {sold} / 已推 {released} 套', '{sold} sold of {released} released'],
  'board.latestDeals': ['最新成交', 'Latest subscriptions'],
  'board.noDeals': ['等待第一笔认购', 'Waiting for the first subscription'],
  'board.nowServing': ['正在叫号', 'Now serving'],
  'board.next': ['下一位', 'Next'],
  'board.waiting': ['等候 {n}', '{n} waiting'],
  'board.lotteryResult': ['摇号结果', 'Lottery result'],
  'board.lotteryMeta': ['{n} 组 · {time} 摇号', '{n} entries · drawn {time}'],
  'board.lotteryOrder': ['选房顺序', 'Selection order'],
  'board.lotteryPage': ['第 {from}–{to} 位，共 {n} 组', 'Positions {from}–{to} of {n}'],
  'board.lotteryMore': ['此处显示前 {n} 位，完整名单请扫码', 'First {n} shown; scan for the full order'],
  'board.lotteryList': ['名单承诺', 'List commitment'],
  'board.lotterySeed': ['种子承诺', 'Seed commitment'],
  'board.lotteryVerify': ['扫码或访问网址核验', 'Scan or visit to verify'],
  'board.nextRelease': ['下一批推盘', 'Next release'],
  'board.keyInvalid': ['设备密钥无效', 'Device key not accepted'],
});
