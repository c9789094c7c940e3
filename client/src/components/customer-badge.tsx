/**
 * A customer's name wherever it appears, coloured by status (CUSTOMER_STATUS_COLORS from
 * @kaipan/shared): the same dot + name on every screen, so a consultant reads the stage at a glance.
 */
import { Show, type JSX } from 'solid-js';
import { CUSTOMER_STATUS_COLORS, type CustomerStatus, CUSTOMER_STATUS_LABELS } from '@kaipan/shared';
import { label } from '../lib/i18n';
import './customer-badge.css';

export function customerStatusLabel(status: CustomerStatus): string {
  return label(CUSTOMER_STATUS_LABELS, status);
}

/** Name chip: status dot, name, optional status label (`withLabel`). */
export function CustomerBadge(props: {
  name: string;
  status: CustomerStatus;
  withLabel?: boolean;
  size?: 'sm' | 'lg';
}): JSX.Element {
  const c = () => CUSTOMER_STATUS_COLORS[props.status];
  return (
    <span
      class="cust-badge"
      classList={{ 'cust-badge--lg': props.size === 'lg', 'cust-badge--sm': props.size === 'sm' }}
      style={{ '--cust-color': c().bg }}
      title={customerStatusLabel(props.status)}
    >
      <span class="cust-badge__dot" aria-hidden="true" />
      <span class="cust-badge__name">{props.name}</span>
      <Show when={props.withLabel}>
        <span class="cust-badge__label" style={{ background: c().bg, color: c().fg }}>
          {customerStatusLabel(props.status)}
        </span>
      </Show>
    </span>
  );
}
