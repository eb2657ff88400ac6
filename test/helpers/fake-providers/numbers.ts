/** Destination numbers that make every fake provider answer one way (like the SMSC rules). */
export const NUMBERS = {
  ok: '+447700900001',
  invalid: '+447700900002',
  throttled: '+447700900003',
  down: '+447700900004',
} as const;

export type Scenario = keyof typeof NUMBERS;

/** Which scenario a destination (with or without '+', or inside a list) asks for. */
export function scenarioOf(destination: unknown): Scenario | undefined {
  const text = Array.isArray(destination) ? String(destination[0]) : String(destination ?? '');
  const digits = text.replace(/^\+/, '');
  for (const [name, number] of Object.entries(NUMBERS)) if (number.slice(1) === digits) return name as Scenario;
  return undefined;
}
