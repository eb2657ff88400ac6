import { parsePhoneNumberFromString } from 'libphonenumber-js/min';
import type { RouteConfig } from '../config/schema.js';

export interface Route {
  /** A readable name for logs and the status API: `+44`, `region GB`, `*`. */
  name: string;
  carriers: string[];
}

/**
 * Routes are ordered data: the first that matches a number wins. `match` is a number prefix
 * (`+4915`) or `*`; `region` is an ISO 3166 code resolved with libphonenumber.
 */
export function createRouter(routes: RouteConfig[]): (number: string) => Route | undefined {
  const compiled = routes.map((route) => {
    if (route.region !== undefined) {
      const region = route.region.toUpperCase();
      return { name: `region ${region}`, carriers: route.carriers, test: (n: string) => parsePhoneNumberFromString(n)?.country === region };
    }
    const match = route.match ?? '*';
    const prefix = match.replace(/\*$/, '');
    const normalised = prefix.startsWith('+') || prefix === '' ? prefix : `+${prefix}`;
    return { name: match, carriers: route.carriers, test: (n: string) => n.startsWith(normalised) };
  });
  return (number) => {
    const found = compiled.find((route) => route.test(number));
    return found ? { name: found.name, carriers: found.carriers } : undefined;
  };
}
