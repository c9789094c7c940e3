/** Day-end 日结 (/cashier/day-end) — [zh-CN, en]. */
import { defineMessages } from '@kaipan/web/i18n/runtime';

export const cashierDayEndMessages = defineMessages({
  'dayEnd.date': ['营业日', 'Business day'],
  'dayEnd.prev': ['前一天', 'Previous day'],
  'dayEnd.next': ['后一天', 'Next day'],
  'dayEnd.today': ['今天', 'Today'],
  'dayEnd.cashier': ['出纳', 'Cashier'],
  'dayEnd.refresh': ['刷新', 'Refresh'],
  'dayEnd.csv': ['下载 CSV', 'Download CSV'],
  'dayEnd.pdf': ['日结单 PDF', 'Day-end PDF'],
  'dayEnd.pdfTitle': ['日结单 · {date}', 'Day-end · {date}'],
  'dayEnd.pdfUnavailable': [
    '服务器未提供日结编号，暂不能生成日结单 PDF（可下载 CSV）。',
    'The server did not give the day-close id, so the day-end PDF cannot be made yet (the CSV can).',
  ],
  'dayEnd.close': ['办理日结', 'Close day'],
  'dayEnd.time': ['时间', 'Time'],
  'dayEnd.open': ['未日结', 'Open'],
  'dayEnd.openHint': [
    '{cashier} · {date}：当天的收款仍可作废或更正。',
    '{cashier} · {date}: payments of the day can still be voided or corrected.',
  ],
  'dayEnd.closed': ['已日结', 'Closed'],
  'dayEnd.closedHint': [
    '{cashier} · {date}：已于 {when} 由 {by} 日结，记录已冻结。',
    '{cashier} · {date}: closed at {when} by {by}; the records are frozen.',
  ],
  'dayEnd.net': ['净收款', 'Net taken'],
  'dayEnd.netHint': [
    '收款 − 退款；不含作废及诚意金转定金（未实际收钱）',
    'In − refunds; voids and sincerity conversions (no money moved) excluded',
  ],
  'dayEnd.receipts': ['开具收据', 'Receipts issued'],
  'dayEnd.voidedN': ['（作废 {n}）', '({n} voided)'],
  'dayEnd.noReceipts': ['当天未开收据', 'No receipts this day'],
  'dayEnd.byKind': ['按款项', 'By kind'],
  'dayEnd.byMethod': ['按支付方式', 'By method'],
  'dayEnd.count': ['笔数', 'Count'],
  'dayEnd.list': ['收款明细', 'Payments'],
  'dayEnd.for': ['房号 / 认筹 · 付款人', 'Unit / registration · payer'],
  'dayEnd.empty': ['当天没有收款', 'No payments this day'],
  'dayEnd.emptyHint': [
    '选择其他日期，或在“收款”页录入款项。',
    'Pick another day, or record payments on the Payments page.',
  ],
  'dayEnd.loadFailed': ['日结数据加载失败', 'Could not load the day-end'],
  'dayEnd.closeTitle': ['日结 {date}', 'Close {date}'],
  'dayEnd.closeExplain': ['确认为 {cashier} 办理当天日结？', 'Close the day for {cashier}?'],
  'dayEnd.closeFreeze': [
    '日结后，当天的收款、收据和作废记录全部冻结，不能再修改。',
    'Payments, receipts and voids of the day are frozen: they can no longer be changed.',
  ],
  'dayEnd.closeCorrections': [
    '之后发现的差错以新的更正记录办理，并与原记录关联。',
    'Mistakes found later are fixed with new correction records linked to the originals.',
  ],
  'dayEnd.closePaper': ['日结后可下载日结单 PDF 和 CSV。', 'After closing, download the day-end PDF and the CSV.'],
  'dayEnd.closeConfirm': ['确认日结', 'Close the day'],
});
