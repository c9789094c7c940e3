/**
 * /board and /board/:projectId — which board to show: with a device key (from ?key= once, then
 * remembered per project) the board itself; without one, or after a manager revoked it, the pairing
 * screen (@kaipan/web/pairing), which stores the key it is given and opens the board.
 */
import { Show, createSignal, lazy, type JSX } from 'solid-js';
import { useNavigate, useParams, useSearchParams } from '@solidjs/router';
import { readStored, writeStored } from '@kaipan/web/storage';
import { PairingScreen } from '@kaipan/web/pairing/pairing-screen';

const BoardPage = lazy(() => import('./board'));

const BOARD_KEY_PREFIX = 'kaipan.board.';

export default function BoardRoute(): JSX.Element {
  const params = useParams<{ projectId?: string }>();
  const [search] = useSearchParams<{ key?: string }>();
  const navigate = useNavigate();
  const [revoked, setRevoked] = createSignal(false);
  const [stored, setStored] = createSignal(0); // bumped when the key changes here

  const deviceKey = (): string | null => {
    stored();
    const projectId = params.projectId;
    if (!projectId || revoked()) return null;
    const fromUrl = typeof search.key === 'string' && search.key.length > 0 ? search.key : null;
    if (fromUrl) {
      writeStored(BOARD_KEY_PREFIX + projectId, fromUrl);
      return fromUrl;
    }
    return readStored(BOARD_KEY_PREFIX + projectId);
  };

  const forget = (): void => {
    if (params.projectId) writeStored(BOARD_KEY_PREFIX + params.projectId, null);
    setRevoked(true);
  };

  return (
    <Show
      when={deviceKey()}
      keyed
      fallback={
        <PairingScreen
          kind="BOARD"
          revoked={revoked()}
          onPaired={(device) => {
            writeStored(BOARD_KEY_PREFIX + device.projectId, device.key);
            setRevoked(false);
            setStored((n) => n + 1);
            navigate(`/board/${device.projectId}`, { replace: true });
          }}
        />
      }
    >
      {(key) => (
        <BoardPage projectId={params.projectId!} access={{ kind: 'device', deviceKey: key, onRevoked: forget }} />
      )}
    </Show>
  );
}
