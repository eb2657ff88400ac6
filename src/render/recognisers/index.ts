/**
 * The recognisers `renderSms` consults, one file per family. On equal confidence the earlier
 * one wins, so the more specific of two look-alikes (Alertmanager before Grafana, which copies
 * its subject) comes first.
 */
import { alertmanager } from './alertmanager.js';
import { cron } from './cron.js';
import { grafana } from './grafana.js';
import { icinga2 } from './icinga2.js';
import { jenkins } from './jenkins.js';
import { monit } from './monit.js';
import { nagios } from './nagios.js';
import type { Recogniser } from './types.js';
import { zabbix } from './zabbix.js';
import { cloudwatch } from './cloudwatch.js';
import { fail2ban } from './fail2ban.js';
import { gitlabCi } from './gitlab.js';
import { healthchecks } from './healthchecks.js';
import { mdadm } from './mdadm.js';
import { netdata } from './netdata.js';
import { sentry } from './sentry.js';
import { smartd } from './smartd.js';
import { uptimeKuma } from './uptime-kuma.js';
import { ups } from './ups.js';

export type { Recogniser, AlertFields, AlertItem, AlertState } from './types.js';

export const recognisers: readonly Recogniser[] = [
  alertmanager,
  grafana,
  zabbix,
  nagios,
  icinga2,
  monit,
  cron,
  jenkins,
  gitlabCi,
  netdata,
  uptimeKuma,
  healthchecks,
  smartd,
  mdadm,
  fail2ban,
  ups,
  cloudwatch,
  sentry,
];
