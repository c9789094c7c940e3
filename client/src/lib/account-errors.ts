/** Messages for the refusals of the account forms: a weak password names the rule it broke. */
import type { PasswordRule } from '@kaipan/shared';
import { toApiError } from './api';
import { describeError, t, type MessageKey } from './i18n';

const RULES: readonly PasswordRule[] = ['TOO_SHORT', 'TOO_LONG', 'CONTAINS_USERNAME', 'TOO_COMMON', 'SAME_AS_CURRENT'];

export function describeAccountError(error: unknown): string {
  const apiError = toApiError(error);
  const rule = (apiError.details as { rule?: unknown } | undefined)?.rule;
  if (apiError.code === 'WEAK_PASSWORD' && RULES.includes(rule as PasswordRule))
    return t(`password.rule.${rule as PasswordRule}` as MessageKey);
  return describeError(error);
}
