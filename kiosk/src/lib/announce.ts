/**
 * Pure rules of the calling screen's announcements (no DOM, no audio): which numbers were newly
 * called between two queue states, and the words to show and to speak in each language.
 */
import type { QueueState } from '@kaipan/shared';

export type AnnounceLang = 'zh-CN' | 'en';

export interface CalledNumber {
  ticketId: string;
  label: string;
  categoryCode: string;
  calledAt: string | null;
}

/**
 * Tickets that are CALLED in `next` but were not called in `previous` (a number called again after
 * a re-queue counts once more: its `calledAt` changed). An older call that scrolls back into the
 * "now serving" list when a newer one is served is not new. Nothing on the first state (a screen
 * that starts or reconnects must not read out the whole hall). Oldest call first: the order to say them.
 */
export function newlyCalled(previous: QueueState | undefined, next: QueueState): CalledNumber[] {
  if (!previous || previous.projectId !== next.projectId) return [];
  const seen = new Map<string, string | null>();
  /** Newest call time shown per category: an older call that scrolls back into the list is not new. */
  const newest = new Map<string, number>();
  for (const c of previous.categories) {
    for (const t of c.nowServing) {
      seen.set(t.id, t.calledAt);
      const at = Date.parse(t.calledAt ?? '');
      if (Number.isFinite(at)) newest.set(c.code, Math.max(newest.get(c.code) ?? -Infinity, at));
    }
  }
  const fresh: CalledNumber[] = [];
  for (const c of next.categories) {
    for (const t of c.nowServing) {
      if (t.status !== 'CALLED') continue;
      if (seen.has(t.id) && seen.get(t.id) === t.calledAt) continue;
      const at = Date.parse(t.calledAt ?? '');
      if (Number.isFinite(at) && at < (newest.get(c.code) ?? -Infinity)) continue;
      fresh.push({ ticketId: t.id, label: t.label, categoryCode: c.code, calledAt: t.calledAt });
    }
  }
  return fresh.sort(
    (a, b) => Date.parse(a.calledAt ?? '') - Date.parse(b.calledAt ?? '') || a.label.localeCompare(b.label),
  );
}

const ZH_DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
const EN_DIGITS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];

/**
 * A label as a speech engine should say it: letters and digits one by one, so "V012" is never read
 * as "V twelve" or "V 十二". zh: "V 零 一 二"; en: "V, zero, one, two".
 */
export function spokenLabel(label: string, lang: AnnounceLang): string {
  const parts = [...label.toUpperCase()]
    .filter((ch) => /[A-Z0-9]/.test(ch))
    .map((ch) => {
      if (!/[0-9]/.test(ch)) return ch;
      return (lang === 'zh-CN' ? ZH_DIGITS : EN_DIGITS)[Number(ch)] as string;
    });
  return parts.join(lang === 'zh-CN' ? ' ' : ', ');
}

/** The line shown on screen: "请 V012 号到选房区" / "Number V012, please proceed to the selection hall". */
export function announcementText(label: string, lang: AnnounceLang): string {
  return lang === 'zh-CN' ? `请 ${label} 号到选房区` : `Number ${label}, please proceed to the selection hall`;
}

/** The same sentence for the speech engine (label spelt out). */
export function announcementSpeech(label: string, lang: AnnounceLang): string {
  return lang === 'zh-CN'
    ? `请 ${spokenLabel(label, lang)} 号，到选房区`
    : `Number ${spokenLabel(label, lang)}. Please proceed to the selection hall.`;
}

/** Voice languages a screen can be set to: Chinese, English, or both (Chinese first). */
export const VOICE_MODES = ['zh-CN', 'en', 'both'] as const;
export type VoiceMode = (typeof VOICE_MODES)[number];

/** The languages to speak, in order, for a voice mode. */
export function voiceLanguages(mode: VoiceMode): AnnounceLang[] {
  return mode === 'both' ? ['zh-CN', 'en'] : [mode];
}
