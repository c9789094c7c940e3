/** The members section of a project's setup: people, their role in the project, teams — [zh-CN, en]. */
import { defineMessages } from '@kaipan/web/i18n/runtime';

export const membersMessages = defineMessages({
  'members.menu': ['成员与角色', 'Members & roles'],
  'members.title': ['成员与角色', 'Members and roles'],
  'members.subtitle': [
    '每个人在本项目中的角色决定其权限；改动立即生效。',
    "Each person's role in this project decides what they may do; changes apply at once.",
  ],
  'members.add': ['添加成员', 'Add a member'],
  'members.username': ['账号', 'Username'],
  'members.usernamePlaceholder': ['例如 c201', 'e.g. c201'],
  'members.role': ['角色', 'Role'],
  'members.team': ['小组', 'Team'],
  'members.noTeam': ['未分组', 'No team'],
  'members.remove': ['移出项目', 'Remove'],
  'members.removeConfirm': [
    '将 {name} 移出本项目？其在本项目的访问立即失效。',
    'Remove {name} from this project? Their access ends at once.',
  ],
  'members.count': ['{n} 位成员', '{n} members'],
  'members.inactive': ['已停用', 'Deactivated'],
  'members.saved': ['已保存', 'Saved'],
  'members.added': ['已添加 {name}', '{name} added'],
  'members.removed': ['已移出 {name}', '{name} removed'],
  'members.empty': ['还没有成员。', 'No members yet.'],
  'members.teams': ['销售小组', 'Sales teams'],
  'members.teamName': ['小组名称', 'Team name'],
  'members.teamNamePlaceholder': ['例如 销售一组', 'e.g. Team 1'],
  'members.lead': ['组长', 'Lead'],
  'members.noLead': ['无组长', 'No lead'],
  'members.teamCount': ['{n} 人', '{n} people'],
  'members.createTeam': ['新建小组', 'New team'],
  'members.deleteTeam': ['删除小组', 'Delete team'],
  'members.deleteTeamConfirm': [
    '删除小组「{name}」？组员留在项目中，变为未分组。',
    'Delete team "{name}"? Its members stay in the project without a team.',
  ],
  'members.noTeams': ['还没有小组。', 'No teams yet.'],
  'members.roleHint.MANAGER': [
    '销控：控制销售、价格、审批、成员',
    'Runs the sale: control, prices, approvals, members',
  ],
  'members.roleHint.CONSULTANT': ['置业顾问：锁房、认购、客户', 'Sells: locks, subscriptions, customers'],
  'members.roleHint.CASHIER': ['收银：收款、收据、日结', 'Takes money: payments, receipts, day-end'],
  'members.roleHint.FINANCE': ['财务：查看收款与报表，不能修改', 'Reads money and reports; changes nothing'],
  'members.roleHint.VIEWER': [
    '只读：查看销控，不见客户联系方式',
    'Sees the sale without buyer contact details; changes nothing',
  ],
});
