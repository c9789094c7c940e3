/** 认购书 terms and signing period (pages/agreement.tsx) — [zh-CN, en]. */
import { defineMessages } from '@kaipan/web/i18n/runtime';

export const agreementMessages = defineMessages({
  'agreement.link': ['认购书条款', 'Agreement'],
  'agreement.title': ['认购书条款', 'Agreement terms'],
  'agreement.forbidden': ['认购书条款仅限销控经理修改。', 'Only sales managers edit the subscription agreement terms.'],
  'agreement.loadError': ['无法读取认购书条款', 'Could not load the agreement terms'],
  'agreement.formTitle': ['本项目的条款', "This project's terms"],
  'agreement.intro': [
    '以下文字打印在每份认购书的“认购须知”部分，段落之间空一行。修改会记入审计日志；此后生成的认购书使用新条款。',
    'Printed in the terms section (认购须知) of every subscription agreement; separate paragraphs with a blank line. Changes are audited; agreements produced afterwards use the new text.',
  ],
  'agreement.signingDays': ['签约期限', 'Signing period'],
  'agreement.days': ['天', 'days'],
  'agreement.signingDaysHint': [
    '认购后多少天内须签订《商品房买卖合同》（1–90 天），认购书上打印为签约截止日。',
    'Days after the subscription by which the purchase contract must be signed (1–90); printed as the signing deadline.',
  ],
  'agreement.daysInvalid': [
    '签约期限须为 1–90 之间的整数天。',
    'The signing period must be a whole number of days from 1 to 90.',
  ],
  'agreement.terms': ['认购须知 / 条款', 'Terms (认购须知)'],
  'agreement.termsPlaceholder': [
    '留空则打印默认条款（见“默认条款”）。',
    'Leave empty to print the default terms (see "Default terms").',
  ],
  'agreement.termsTooLong': ['条款不能超过 {max} 个字符。', 'The terms may be at most {max} characters.'],
  'agreement.count': ['{n} / {max} 字', '{n} / {max} characters'],
  'agreement.defaultBadge': ['当前使用默认条款', 'Using the default'],
  'agreement.customBadge': ['项目自定义条款', "Project's own text"],
  'agreement.useDefault': ['改回默认条款', 'Revert to the default'],
  'agreement.discard': ['放弃修改', 'Discard changes'],
  'agreement.save': ['保存', 'Save'],
  'agreement.saving': ['保存中…', 'Saving…'],
  'agreement.saved': ['认购书条款已保存', 'Agreement terms saved'],
  'agreement.savedAt': ['已保存 {time}', 'Saved at {time}'],
  'agreement.upToDate': ['已保存', 'Saved'],
  'agreement.unsaved': ['有未保存的修改', 'Unsaved changes'],
  'agreement.invalid': ['填写的内容不正确，请检查。', 'Some values are not valid; please check them.'],
  'agreement.defaultTitle': ['默认条款', 'Default terms'],
  'agreement.defaultInUse': ['正在打印此文本', 'Printed now'],
  'agreement.defaultNotInUse': ['未使用', 'Not in use'],
  'agreement.copyDefault': ['以默认条款为底稿编辑', 'Start from the default text'],
  'agreement.previewTitle': ['预览样本', 'Preview sample'],
  'agreement.previewHint': [
    '按表单中当前的条款和签约期限（未保存的也算）生成一份认购书样本，仅供查看，不会保存，也不影响任何认购。',
    'Renders a sample agreement with the terms and signing period in the form now (unsaved changes included); it is for viewing only, never stored and changes no deal.',
  ],
  'agreement.previewButton': ['预览样本', 'Preview sample'],
  'agreement.previewInvalid': ['请先改正表单中的错误再预览', 'Correct the form to preview'],
});
