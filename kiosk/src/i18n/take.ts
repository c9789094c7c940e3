/** Take a number 取号 (/queue): queue choice, phone or registration, the result ticket — [zh-CN, en]. */
import { defineMessages } from '@kaipan/web/i18n/runtime';

export const takeMessages = defineMessages({
  'take.welcome': ['欢迎取号', 'Take a number'],
  'take.chooseCategory': ['请选择排号类别', 'Choose your queue'],
  'take.issued': ['已发 {n} 号', '{n} issued'],
  'take.noCategories': ['暂未开放取号', 'Numbers are not being issued yet'],
  'take.noCategoriesHint': ['请联系现场工作人员。', 'Please ask a member of staff.'],
  'take.phoneTitle': ['请输入手机号', 'Enter your mobile number'],
  'take.phoneHint': [
    '同一手机号只能取一个号，重复取号会显示原来的号码。',
    'One number per phone. Asking again shows the number you already have.',
  ],
  'take.phonePlaceholder': ['手机号', 'Mobile number'],
  'take.phoneBadStart': ['手机号应以 13–19 开头', 'Mobile numbers start with 13–19'],
  'take.phoneInvalid': ['请输入正确的 11 位手机号', 'Enter a valid 11-digit mobile number'],
  'take.haveQr': ['我有认筹二维码', 'I have a registration QR'],
  'take.usePhone': ['用手机号取号', 'Use my mobile number'],
  'take.submit': ['取号', 'Get my number'],
  'take.submitting': ['正在取号…', 'Getting your number…'],
  'take.regTitle': ['扫描认筹二维码', 'Scan your registration QR'],
  'take.regTypeTitle': ['输入认筹编号', 'Enter your registration number'],
  'take.regHint': [
    '把认筹单上的二维码对准摄像头；也可以在下方输入认筹编号。',
    'Hold the QR code of your registration slip to the camera, or type the registration number below.',
  ],
  'take.regNoCamera': [
    '本设备不支持扫码，请输入认筹编号（例如 R0007 输入 7）。',
    'This device cannot scan. Type the registration number (for R0007, type 7).',
  ],
  'take.regCameraError': [
    '无法打开摄像头，请输入认筹编号。',
    'The camera could not be opened. Type the registration number.',
  ],
  'take.regPlaceholder': ['认筹编号', 'Registration no.'],
  'take.regNotFound': [
    '没有找到这个认筹编号，请核对或用手机号取号。',
    'No such registration. Check the number or use your mobile number.',
  ],
  'take.category': ['类别', 'Queue'],

  'result.yourNumber': ['您的排号', 'Your number'],
  'result.already': ['您已取过号，这是您原来的号码', 'You already have a number — here it is'],
  'result.ahead': ['前面还有', 'People ahead'],
  'result.aheadN': ['{n} 人', '{n}'],
  'result.wait': ['预计等待', 'Estimated wait'],
  'result.waitN': ['约 {n} 分钟', 'about {n} min'],
  'result.waitUnknown': ['叫号开始后显示', 'shown once calling starts'],
  'result.waitNow': ['马上轮到您', 'You are next'],
  'result.called': ['已叫到您的号，请到选房区', 'Your number has been called: please go to the selection hall'],
  'result.scan': [
    '手机扫码查看排队进度、心仪房源实时状态',
    'Scan to follow the queue and your shortlisted units live on your phone',
  ],
  'result.printing': ['正在打印小票…', 'Printing your ticket…'],
  'result.preparing': ['正在生成小票…', 'Preparing your ticket…'],
  'result.printed': ['小票已打印，请取走', 'Ticket printed — please take it'],
  'result.printFailed': ['小票打印失败', 'The ticket could not be printed'],
  'result.print': ['打印小票', 'Print ticket'],
  'result.printAgain': ['再打印一张', 'Print again'],
  'result.done': ['完成', 'Done'],
  'result.autoReturn': ['{n} 秒后返回首页', 'Back to the start in {n} s'],
});
