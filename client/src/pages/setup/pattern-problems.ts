/**
 * A refused building pattern in the user's words: each problem's code (shared/src/building-pattern.ts
 * PATTERN_PROBLEMS) translated with its numbers, after the field it is about (`3 单元 · 每层户数：…`).
 */
import type { PatternProblem } from '@kaipan/shared';
import { t, type MessageKey } from '../../lib/i18n';

/** The generator form's label of the pattern field a problem's path names. */
const FIELD_LABEL: Record<string, MessageKey> = {
  name: 'setupB.f.name',
  nameEn: 'setupB.f.nameEn',
  code: 'setupB.f.code',
  floors: 'setupB.f.floors',
  unitsPerFloor: 'setupB.f.unitsPerFloor',
  startFloor: 'setupB.f.basements',
  skipFloors: 'setupB.f.skip',
  namedFloors: 'setupB.f.named',
  floorRules: 'setupB.f.special',
  duplexes: 'setupB.f.duplex',
  codePattern: 'setupB.f.pattern',
  kind: 'setupB.f.kind',
};

function fieldOf(path: string): string | null {
  const [head, index, leaf] = path.split('.');
  if (head === 'stairwells') {
    const well = t('setupB.f.stairwellN', { n: Number(index) + 1 });
    return leaf === 'units' ? `${well} · ${t('setupB.f.unitsPerFloor')}` : well;
  }
  const key = head ? FIELD_LABEL[head] : undefined;
  return key ? t(key) : null;
}

/** One line per problem: "field: what is wrong". */
export function describePatternProblems(problems: readonly PatternProblem[]): string[] {
  return problems.map((p) => {
    const text = t(`setupB.problem.${p.problem}` as MessageKey, p.params ?? {});
    const field = fieldOf(p.path);
    return field ? `${field}${t('setupB.problem.sep')}${text}` : text;
  });
}
