/** A setup form's refusal as one line: the error's text and, for invalid input, which fields to check. */
import { describeError, t, type MessageKey } from '../../lib/i18n';
import { invalidPaths } from './project-form';

const FIELD_LABELS: Record<string, MessageKey> = {
  name: 'setup.project.name',
  nameEn: 'setup.project.nameEn',
  city: 'setup.project.city',
  address: 'setup.project.address',
  timezone: 'setup.project.timezone',
  code: 'setup.project.code',
  'payee.name': 'setup.payee.name',
  'payee.creditCode': 'setup.payee.creditCode',
  'payee.bank': 'setup.payee.bank',
  'payee.account': 'setup.payee.account',
  number: 'setup.permits.number',
  issuedOn: 'setup.permits.date',
  buildingIds: 'setup.permits.buildings',
  unitIds: 'setup.permits.unitCodes',
};

export function describeSetupError(err: unknown): string {
  const fields = invalidPaths(err)
    .map((p) => FIELD_LABELS[p])
    .filter((k): k is MessageKey => k !== undefined)
    .map((k) => t(k));
  return fields.length > 0
    ? `${describeError(err)} ${t('setup.checkFields', { fields: fields.join('、') })}`
    : describeError(err);
}
