/** Transient messages (lock taken, subscription confirmed, errors). One list for the whole app. */
import { createRoot, createSignal } from 'solid-js';

export type ToastKind = 'info' | 'success' | 'error';
export interface Toast {
  id: number;
  kind: ToastKind;
  text: string;
}

const TOAST_MS = 4_500;

const store = createRoot(() => {
  const [toasts, setToasts] = createSignal<Toast[]>([]);
  return { toasts, setToasts };
});

let nextId = 1;

export const toasts = store.toasts;

export function dismissToast(id: number): void {
  store.setToasts((list) => list.filter((t) => t.id !== id));
}

export function showToast(kind: ToastKind, text: string): void {
  const id = nextId++;
  // Keep at most three on screen: a storm of errors must not cover the grid.
  store.setToasts((list) => [...list.slice(-2), { id, kind, text }]);
  setTimeout(() => dismissToast(id), kind === 'error' ? TOAST_MS + 1_500 : TOAST_MS);
}
