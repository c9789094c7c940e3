/** The setup area (pages/setup/): project list, section menu, the Project section — [zh-CN, en]. */
import { defineMessages } from '@kaipan/web/i18n/runtime';

export const setupMessages = defineMessages({
  'setup.link': ['项目设置', 'Project setup'],
  'setup.title': ['设置', 'Setup'],
  'setup.projectsTitle': ['项目设置', 'Project setup'],
  'setup.menu': ['设置项目', 'Setup sections'],
  'setup.toManager': ['销控台', 'Sales control'],
  'setup.allProjects': ['全部项目', 'All projects'],
  'setup.forbidden': ['项目设置仅限销控经理和管理员。', 'Project setup is for sales managers and administrators.'],
  'setup.noProject': ['找不到该项目，或您无权设置它。', 'This project does not exist or you may not set it up.'],
  'setup.noProjects': ['还没有项目。', 'There are no projects yet.'],

  'setup.section.project': ['项目信息', 'Project'],

  'setup.project.name': ['项目名称', 'Name'],
  'setup.project.nameEn': ['英文名称', 'English name'],
  'setup.project.code': ['项目编码', 'Code'],
  'setup.project.city': ['城市', 'City'],
  'setup.project.timezone': ['时区', 'Time zone'],
});
