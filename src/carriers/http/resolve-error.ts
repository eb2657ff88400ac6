/** A carrier config that cannot become a spec; `path` is the key under the carrier, for the config error. */
export class ResolveError extends Error {
  constructor(readonly path: (string | number)[], message: string) {
    super(message);
  }
}
