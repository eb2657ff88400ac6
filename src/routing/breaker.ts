export interface BreakerOptions {
  /** Consecutive failures that open the circuit. */
  failures: number;
  /** How long an open circuit waits before letting one probe through. */
  cooldownMs: number;
}

type State = { kind: 'closed'; failures: number } | { kind: 'open'; until: number } | { kind: 'half-open'; probing: boolean };

/**
 * A circuit breaker per carrier: after N consecutive failures the carrier is skipped for a
 * cool-down, then one message probes it; success closes the circuit, failure opens it again.
 * In-process: each relay learns for itself, which is what matters for its own traffic.
 */
export class CircuitBreakers {
  private readonly states = new Map<string, State>();

  constructor(private readonly options: BreakerOptions, private readonly now: () => number = Date.now) {}

  /** May a message be sent through this carrier now? Claims the probe when half-open. */
  allow(carrier: string): boolean {
    const state = this.state(carrier);
    if (state.kind === 'closed') return true;
    if (state.kind === 'open') {
      if (this.now() < state.until) return false;
      this.states.set(carrier, { kind: 'half-open', probing: true });
      return true;
    }
    if (state.probing) return false;
    state.probing = true;
    return true;
  }

  /** The carrier answered, but the answer says nothing about its health (a rate wait): free the probe. */
  release(carrier: string): void {
    const state = this.state(carrier);
    if (state.kind === 'half-open') state.probing = false;
  }

  success(carrier: string): void {
    this.states.set(carrier, { kind: 'closed', failures: 0 });
  }

  failure(carrier: string): void {
    const state = this.state(carrier);
    if (state.kind === 'closed' && state.failures + 1 < this.options.failures) {
      this.states.set(carrier, { kind: 'closed', failures: state.failures + 1 });
      return;
    }
    this.states.set(carrier, { kind: 'open', until: this.now() + this.options.cooldownMs });
  }

  describe(carrier: string): string {
    const state = this.state(carrier);
    if (state.kind === 'open') return `open for ${Math.max(0, Math.ceil((state.until - this.now()) / 1000))} s`;
    if (state.kind === 'half-open') return 'half-open (probing)';
    return state.failures > 0 ? `closed (${state.failures} recent failures)` : 'closed';
  }

  private state(carrier: string): State {
    return this.states.get(carrier) ?? { kind: 'closed', failures: 0 };
  }
}
