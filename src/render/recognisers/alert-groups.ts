/**
 * Reads the alert list of Prometheus-style grouped notifications (Alertmanager's default email,
 * Grafana's unified alerting email, both as text after HTML conversion): sections headed
 * "[3] Firing" / "(1) RESOLVED" / "2 firing instances", and per alert a "Labels" block of
 * `name = value` (or `name value` from a table) lines and an "Annotations" block.
 */
import { stripPort } from './util.js';

export interface GroupedAlert {
  status: 'firing' | 'resolved';
  labels: Map<string, string>;
  annotations: Map<string, string>;
  /** Grafana's "Values" line: "A=95.2 B=1". */
  values: string;
}

const SECTION = /^(?:\[(\d+)\]\s*|\((\d+)\)\s*|(\d+)\s+|🔥\s*(\d+)\s+|✅\s*(\d+)\s+)?(firing|resolved)(?:\s+(?:instances|alerts?))?\s*$/i;
// Grafana's instance header row: "Firing HighDiskIO View alert" (button, name, button).
const INSTANCE = /^(Firing|Resolved)\s+(\S.*?)(?:\s+View alert)?$/;
const LABELS = /^labels\s*:?\s*$/i;
const ANNOTATIONS = /^annotations\s*:?\s*$/i;
const VALUES = /^values\s*:?\s*$/i;
const END = /^(source|silence|view (alert|dashboard|panel|runbook)|observed\b.*|go to the alerts page.*)\s*:?\s*$/i;
const PAIR = /^[-•*]?\s*([A-Za-z_][\w.-]{0,80})\s*(?:=|:)\s*(.*)$/;
const CELL_PAIR = /^([A-Za-z_][\w.-]{0,80})\s+(\S.*)$/;
// Grafana's text layout puts "Summary: …" and "Description: …" right after the labels.
const NAMED_ANNOTATION = /^(summary|description|runbook|runbook_url)\s*:\s*(.+)$/i;

/** The alerts in the order the mail lists them. */
export function parseAlertGroups(lines: readonly string[]): GroupedAlert[] {
  const alerts: GroupedAlert[] = [];
  let section: 'firing' | 'resolved' = 'firing';
  let block: 'labels' | 'annotations' | 'values' | 'none' = 'none';
  let current: GroupedAlert | undefined;
  // Grafana opens each instance with a bare "Firing"/"Resolved" line and lists Summary,
  // Description and Values before the labels; Alertmanager opens each with "Labels".
  let opened = false;
  let heading: string | undefined;
  const open = (): GroupedAlert => {
    current = { status: section, labels: new Map(), annotations: new Map(), values: '' };
    alerts.push(current);
    return current;
  };
  for (const raw of lines) {
    const line = raw.trim();
    if (line === '') continue;
    const sectionMatch = SECTION.exec(line);
    if (sectionMatch?.[6] !== undefined) {
      section = sectionMatch[6].toLowerCase() === 'resolved' ? 'resolved' : 'firing';
      block = 'none';
      const counted = sectionMatch.slice(1, 6).some((n) => n !== undefined) || /instances|alerts?/i.test(line);
      if (!counted) {
        open();
        opened = true;
      }
      continue;
    }
    const instance = INSTANCE.exec(line);
    if (instance?.[2] !== undefined && !/^(instances|alerts?)\b/i.test(instance[2])) {
      section = instance[1] === 'Resolved' ? 'resolved' : 'firing';
      open().labels.set('alertname', instance[2]);
      opened = true;
      block = 'none';
      continue;
    }
    if (LABELS.test(line) || /^labels\s*:\s*\S/i.test(line)) {
      const alert = opened && current !== undefined ? current : open();
      opened = false;
      block = 'labels';
      const inline = /^labels\s*:\s*(\S.*)$/i.exec(line)?.[1];
      if (inline !== undefined) readInlinePairs(inline, alert.labels);
      continue;
    }
    if (current === undefined) continue;
    if (heading !== undefined) {
      current.annotations.set(heading, line);
      heading = undefined;
      continue;
    }
    if (/^(summary|description)$/i.test(line)) {
      heading = line.toLowerCase();
      continue;
    }
    if (ANNOTATIONS.test(line)) {
      block = 'annotations';
      continue;
    }
    if (VALUES.test(line)) {
      block = 'values';
      continue;
    }
    if (END.test(line)) {
      block = 'none';
      continue;
    }
    const named = NAMED_ANNOTATION.exec(line);
    if (named?.[1] !== undefined && block !== 'annotations') {
      current.annotations.set(named[1].toLowerCase(), (named[2] ?? '').trim());
      continue;
    }
    if (block === 'values') {
      current.values = line;
      block = 'none';
      continue;
    }
    if (block === 'labels' || block === 'annotations') {
      const pair = PAIR.exec(line) ?? CELL_PAIR.exec(line);
      const map = block === 'labels' ? current.labels : current.annotations;
      if (pair?.[1] !== undefined && (!map.has(pair[1]) || (map === current.labels && pair[1] === 'alertname'))) {
        map.set(pair[1], (pair[2] ?? '').trim());
      }
    }
  }
  return alerts;
}

/** "{alertname=X, instance=y}" or "alertname=X instance=y" pairs into `map`. */
function readInlinePairs(text: string, map: Map<string, string>): void {
  for (const match of text.matchAll(/([A-Za-z_][\w.-]{0,80})\s*=\s*("[^"]*"|[^,\s}]+)/g)) {
    if (match[1] !== undefined && !map.has(match[1])) map.set(match[1], (match[2] ?? '').replace(/^"|"$/g, ''));
  }
}

// Labels that name where an alert fires, most specific first.
const TARGET_LABELS = ['instance', 'host', 'hostname', 'node', 'nodename', 'server', 'pod', 'container', 'service', 'job'];

export function alertTarget(alert: GroupedAlert): string {
  for (const name of TARGET_LABELS) {
    const value = alert.labels.get(name);
    if (value !== undefined && value !== '') return stripPort(value);
  }
  return '';
}

// A number with a unit or percent: the measurement an annotation quotes.
const MEASURE = /-?\d+(?:[.,]\d+)?\s?(?:%|[kKMGTP]i?B\b|[kKMGT]B\/s|ms\b|s\b|seconds?\b|minutes?\b|hours?\b|days?\b|°C|req\/s)/;

/**
 * The value that makes this alert different from its siblings: a `value` annotation, Grafana's
 * Values line, or the first measurement in the description (summaries tend to quote the
 * threshold, descriptions the reading).
 */
export function alertValue(alert: GroupedAlert): string {
  const explicit = alert.annotations.get('value') ?? alert.annotations.get('current_value') ?? '';
  if (explicit !== '') return explicit;
  for (const name of ['description', 'message', 'summary']) {
    const found = MEASURE.exec((alert.annotations.get(name) ?? '').slice(0, 1000));
    if (found !== null) return found[0];
  }
  return alert.values.replace(/\s+/g, ' ').trim().slice(0, 40);
}

/** The value all alerts share for `name` (a label or annotation), or ''. */
export function common(alerts: readonly GroupedAlert[], get: (a: GroupedAlert) => string | undefined): string {
  const values = new Set(alerts.map((a) => get(a) ?? ''));
  return values.size === 1 ? ([...values][0] ?? '') : '';
}
