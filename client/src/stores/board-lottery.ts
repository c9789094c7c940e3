/**
 * The lottery result 摇号结果 a wall board shows: on `lottery:drawn` for DISPLAY_MS (a newer draw
 * replaces it at once), and — so a board that was restarting or offline at the moment of the draw
 * does not miss it — the latest drawn result read on start and on every reconnect, shown for what
 * is left of its window (measured on the server's clock, not the board's).
 * The broadcast carries the order; the commitments come from the public record.
 */
import { createSignal, getOwner, onCleanup } from 'solid-js';
import type { HubAuth, LotteryDrawInfo, LotteryDrawnEvent } from '@kaipan/shared';
import type { Api } from '../lib/api';
import { connectHub } from '../lib/socket';

/** How long a result stays on the board. */
export const LOTTERY_DISPLAY_MS = 60_000;

export interface BoardLottery {
  drawId: string;
  title: string;
  /** Registration labels in selection order (order[0] selects first). */
  order: string[];
  drawnAt: string;
  /** From the public record; null until it arrived. */
  listCommitment: string | null;
  seedCommitment: string | null;
  /** Local epoch ms when the board stops showing it. */
  until: number;
}

export function createBoardLottery(options: { projectId: string; auth: HubAuth; api: Api }) {
  const { projectId, api } = options;
  const socket = connectHub(options.auth);
  const [shown, setShown] = createSignal<BoardLottery | null>(null);
  let hideTimer: ReturnType<typeof setTimeout> | undefined;
  let disposed = false;

  function show(next: BoardLottery): void {
    clearTimeout(hideTimer);
    setShown(next);
    hideTimer = setTimeout(
      () => {
        if (shown()?.drawId === next.drawId) setShown(null);
      },
      Math.max(0, next.until - Date.now()),
    );
  }

  function withRecord(draw: Pick<LotteryDrawInfo, 'listCommitment' | 'seedCommitment'>, drawId: string): void {
    const current = shown();
    if (current && current.drawId === drawId) {
      setShown({ ...current, listCommitment: draw.listCommitment, seedCommitment: draw.seedCommitment });
    }
  }

  const onDrawn = (event: LotteryDrawnEvent): void => {
    if (event.projectId !== projectId) return;
    show({ ...event, listCommitment: null, seedCommitment: null, until: Date.now() + LOTTERY_DISPLAY_MS });
    void api
      .publicLottery(event.drawId)
      .then((draw) => withRecord(draw, event.drawId))
      .catch(() => undefined); // the result is on screen; only the commitments lines stay empty
  };

  /** The latest drawn result, if it is still inside its display window. */
  async function loadLatest(): Promise<void> {
    try {
      const { draw, serverTime } = await api.latestLottery(projectId);
      if (disposed || !draw || !draw.order || !draw.drawnAt) return;
      if (shown()?.drawId === draw.id) return withRecord(draw, draw.id);
      const age = Date.parse(serverTime) - Date.parse(draw.drawnAt);
      const left = LOTTERY_DISPLAY_MS - Math.max(0, age);
      if (left <= 0) return;
      const current = shown();
      if (current && Date.parse(current.drawnAt) > Date.parse(draw.drawnAt)) return; // a newer one is up
      show({
        drawId: draw.id,
        title: draw.title,
        order: draw.order,
        drawnAt: draw.drawnAt,
        listCommitment: draw.listCommitment,
        seedCommitment: draw.seedCommitment,
        until: Date.now() + left,
      });
    } catch {
      // Nothing to show is the safe default; the next reconnect asks again.
    }
  }

  const onConnect = (): void => void loadLatest();
  socket.on('lottery:drawn', onDrawn);
  socket.on('connect', onConnect);
  void loadLatest();

  function dispose(): void {
    disposed = true;
    clearTimeout(hideTimer);
    socket.off('lottery:drawn', onDrawn);
    socket.off('connect', onConnect);
  }
  if (getOwner()) onCleanup(dispose);

  return {
    /** The result on screen, or null. */
    shown,
    dispose,
  };
}
