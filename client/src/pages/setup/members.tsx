/**
 * /setup/:projectId/members — people and roles of a project (managers of the project and
 * administrators): every member with their role IN THIS PROJECT and team; add an account by
 * username, change a role, remove; teams with a lead. Each change is saved at once, audited by the
 * server and takes effect at once for that person (their open screens re-join with the new role).
 * The server's rules answer coded errors shown as they come: LAST_MANAGER, ROLE_NOT_ASSIGNABLE…
 */
import { For, Match, Show, Switch, createSignal, type JSX } from 'solid-js';
import {
  PROJECT_ROLES,
  type MemberInfo,
  type MembersOverview,
  type ProjectRole,
  type TeamInfo,
  type UserInfo,
  ROLE_LABELS,
} from '@kaipan/shared';
import { api } from '../../lib/api';
import { createLoad } from '@kaipan/web/resource';
import { describeError, t, type MessageKey, label } from '../../lib/i18n';
import { refreshProjectRoles } from '../../stores/project-roles';
import { showToast } from '../../stores/toasts';
import { ConfirmDialog, EmptyState, ErrorState, LoadingState, Spinner } from '../../components/ui';
import type { SetupSectionProps } from './section-props';
import './members.css';

const roleLabel = (role: ProjectRole): string => label(ROLE_LABELS, role);

/** The members section of the setup area: teams and members with their role in this project. */
export default function MembersSetupSection(props: SetupSectionProps): JSX.Element {
  return (
    <div class="members">
      <p class="muted">{t('members.subtitle')}</p>
      <Members projectId={props.projectId} user={props.user} />
    </div>
  );
}

function Members(props: { projectId: string; user: UserInfo }): JSX.Element {
  const overview = createLoad(() => api.members(props.projectId));
  /** Run one change; on success re-read the list (and my own roles: I may have changed mine). */
  const change = async (what: () => Promise<unknown>, done?: string): Promise<boolean> => {
    try {
      await what();
      if (done) showToast('success', done);
      await overview.refetch();
      void refreshProjectRoles();
      return true;
    } catch (error) {
      showToast('error', describeError(error));
      return false;
    }
  };
  return (
    <Switch>
      <Match when={overview.error()}>
        <ErrorState
          title={t('grid.errorTitle')}
          message={describeError(overview.error())}
          onRetry={() => void overview.refetch()}
        />
      </Match>
      <Match when={overview.value()} keyed>
        {(o) => (
          <>
            {/* Teams first: a handful of rows above a list of hundreds of members. */}
            <TeamsSection projectId={props.projectId} overview={o} change={change} />
            <MembersSection projectId={props.projectId} overview={o} change={change} />
          </>
        )}
      </Match>
      <Match when={true}>
        <LoadingState />
      </Match>
    </Switch>
  );
}

type Change = (what: () => Promise<unknown>, done?: string) => Promise<boolean>;

function RoleSelect(props: {
  value: ProjectRole;
  onChange: (role: ProjectRole) => void;
  disabled?: boolean;
  id?: string;
  name?: string;
}): JSX.Element {
  return (
    <select
      id={props.id}
      name={props.name}
      class="input members__select"
      value={props.value}
      disabled={props.disabled}
      onChange={(e) => props.onChange(e.currentTarget.value as ProjectRole)}
    >
      <For each={PROJECT_ROLES}>
        {(role) => (
          <option value={role} title={t(`members.roleHint.${role}` as MessageKey)}>
            {roleLabel(role)}
          </option>
        )}
      </For>
    </select>
  );
}

function TeamSelect(props: {
  teams: readonly TeamInfo[];
  value: string | null;
  onChange: (teamId: string | null) => void;
  label: string;
  name?: string;
}): JSX.Element {
  return (
    <select
      class="input members__select"
      name={props.name}
      aria-label={props.label}
      value={props.value ?? ''}
      onChange={(e) => props.onChange(e.currentTarget.value || null)}
    >
      <option value="">{t('members.noTeam')}</option>
      <For each={props.teams}>{(team) => <option value={team.id}>{team.name}</option>}</For>
    </select>
  );
}

function MembersSection(props: { projectId: string; overview: MembersOverview; change: Change }): JSX.Element {
  const [username, setUsername] = createSignal('');
  const [role, setRole] = createSignal<ProjectRole>('CONSULTANT');
  const [adding, setAdding] = createSignal(false);
  const [removing, setRemoving] = createSignal<MemberInfo | null>(null);
  const [busy, setBusy] = createSignal(false);

  const add = async (e: SubmitEvent): Promise<void> => {
    e.preventDefault();
    const name = username().trim();
    if (!name || adding()) return;
    setAdding(true);
    const ok = await props.change(
      () => api.addMember(props.projectId, { username: name, role: role() }),
      t('members.added', { name }),
    );
    setAdding(false);
    if (ok) setUsername('');
  };

  const set = (m: MemberInfo, body: { role?: ProjectRole; teamId?: string | null }): void => {
    void props.change(
      () => api.setMember(props.projectId, m.userId, { role: body.role ?? m.role, ...body }),
      t('members.saved'),
    );
  };

  return (
    <section class="members__section" aria-labelledby="members-heading">
      <div class="members__head">
        <h2 id="members-heading">{t('members.title')}</h2>
        <span class="members__count">{t('members.count', { n: props.overview.members.length })}</span>
      </div>
      <form class="members__add" onSubmit={(e) => void add(e)}>
        <label class="members__field">
          <span>{t('members.username')}</span>
          <input
            class="input"
            value={username()}
            placeholder={t('members.usernamePlaceholder')}
            autocomplete="off"
            onInput={(e) => setUsername(e.currentTarget.value)}
            data-testid="member-username"
          />
        </label>
        <label class="members__field">
          <span>{t('members.role')}</span>
          <RoleSelect value={role()} onChange={setRole} name="role" />
        </label>
        <button type="submit" class="btn btn--primary" disabled={adding() || !username().trim()}>
          <Show when={adding()}>
            <Spinner size="sm" />
          </Show>
          {t('members.add')}
        </button>
      </form>
      <Show when={props.overview.members.length > 0} fallback={<EmptyState title={t('members.empty')} />}>
        <ul class="members__list">
          <For each={props.overview.members}>
            {(m) => (
              <li
                class="members__row"
                classList={{ 'members__row--inactive': !m.active }}
                data-testid="member-row"
                data-username={m.username}
              >
                <div class="members__who">
                  <span class="members__name">{m.displayName}</span>
                  <span class="members__username">
                    {m.username}
                    <Show when={!m.active}>
                      <span class="pill pill--warn">{t('members.inactive')}</span>
                    </Show>
                  </span>
                </div>
                <RoleSelect value={m.role} onChange={(r) => set(m, { role: r })} />
                <TeamSelect
                  name="team"
                  teams={props.overview.teams}
                  value={m.teamId}
                  label={t('members.team')}
                  onChange={(teamId) => set(m, { teamId })}
                />
                <button type="button" class="btn btn--secondary btn--sm" onClick={() => setRemoving(m)}>
                  {t('members.remove')}
                </button>
              </li>
            )}
          </For>
        </ul>
      </Show>
      <ConfirmDialog
        open={removing() !== null}
        title={t('members.remove')}
        body={t('members.removeConfirm', { name: removing()?.displayName ?? '' })}
        confirmLabel={t('members.remove')}
        danger
        busy={busy()}
        onCancel={() => setRemoving(null)}
        onConfirm={() => {
          const m = removing();
          if (!m) return;
          setBusy(true);
          void props
            .change(() => api.removeMember(props.projectId, m.userId), t('members.removed', { name: m.displayName }))
            .finally(() => {
              setBusy(false);
              setRemoving(null);
            });
        }}
      />
    </section>
  );
}

function TeamsSection(props: { projectId: string; overview: MembersOverview; change: Change }): JSX.Element {
  const [name, setName] = createSignal('');
  const [lead, setLead] = createSignal<string | null>(null);
  const [deleting, setDeleting] = createSignal<TeamInfo | null>(null);
  const [busy, setBusy] = createSignal(false);

  const create = async (e: SubmitEvent): Promise<void> => {
    e.preventDefault();
    const n = name().trim();
    if (!n) return;
    if (await props.change(() => api.createTeam(props.projectId, { name: n, leadId: lead() }), t('members.saved'))) {
      setName('');
      setLead(null);
    }
  };

  const LeadSelect = (p: {
    value: string | null;
    onChange: (id: string | null) => void;
    name?: string;
  }): JSX.Element => (
    <select
      class="input members__select"
      name={p.name}
      aria-label={t('members.lead')}
      value={p.value ?? ''}
      onChange={(e) => p.onChange(e.currentTarget.value || null)}
    >
      <option value="">{t('members.noLead')}</option>
      <For each={props.overview.members}>{(m) => <option value={m.userId}>{m.displayName}</option>}</For>
    </select>
  );

  return (
    <section class="members__section" aria-labelledby="teams-heading">
      <div class="members__head">
        <h2 id="teams-heading">{t('members.teams')}</h2>
      </div>
      <form class="members__add" onSubmit={(e) => void create(e)}>
        <label class="members__field">
          <span>{t('members.teamName')}</span>
          <input
            class="input"
            name="team-name"
            value={name()}
            placeholder={t('members.teamNamePlaceholder')}
            onInput={(e) => setName(e.currentTarget.value)}
          />
        </label>
        <label class="members__field">
          <span>{t('members.lead')}</span>
          <LeadSelect value={lead()} onChange={setLead} name="lead" />
        </label>
        <button type="submit" class="btn btn--primary" disabled={!name().trim()}>
          {t('members.createTeam')}
        </button>
      </form>
      <Show when={props.overview.teams.length > 0} fallback={<EmptyState title={t('members.noTeams')} />}>
        <ul class="members__list">
          <For each={props.overview.teams}>
            {(team) => {
              const [draft, setDraft] = createSignal(team.name);
              return (
                <li class="members__row members__row--team" data-testid="team-row">
                  <input
                    class="input members__team-name"
                    aria-label={t('members.teamName')}
                    value={draft()}
                    onInput={(e) => setDraft(e.currentTarget.value)}
                    onChange={() => {
                      const n = draft().trim();
                      if (n && n !== team.name)
                        void props.change(
                          () => api.updateTeam(props.projectId, team.id, { name: n }),
                          t('members.saved'),
                        );
                    }}
                  />
                  <LeadSelect
                    value={team.leadId}
                    onChange={(leadId) =>
                      void props.change(() => api.updateTeam(props.projectId, team.id, { leadId }), t('members.saved'))
                    }
                  />
                  <span class="members__count">{t('members.teamCount', { n: team.memberCount })}</span>
                  <button type="button" class="btn btn--secondary btn--sm" onClick={() => setDeleting(team)}>
                    {t('members.deleteTeam')}
                  </button>
                </li>
              );
            }}
          </For>
        </ul>
      </Show>
      <ConfirmDialog
        open={deleting() !== null}
        title={t('members.deleteTeam')}
        body={t('members.deleteTeamConfirm', { name: deleting()?.name ?? '' })}
        confirmLabel={t('members.deleteTeam')}
        danger
        busy={busy()}
        onCancel={() => setDeleting(null)}
        onConfirm={() => {
          const team = deleting();
          if (!team) return;
          setBusy(true);
          void props
            .change(() => api.deleteTeam(props.projectId, team.id), t('members.saved'))
            .finally(() => {
              setBusy(false);
              setDeleting(null);
            });
        }}
      />
    </section>
  );
}
