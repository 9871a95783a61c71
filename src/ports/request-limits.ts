/** Whose X-Forwarded-For is believed: nobody, everybody, or these addresses / networks. */
export type TrustProxy = boolean | string[];

export interface Admission {
  admitted: boolean;
  /** requests left in this window */
  remaining: number;
  /** milliseconds until the window starts over */
  resetMs: number;
}

/** One request budget per key (a principal, or an anonymous client's address), shared by every door. */
export interface RequestBudgetPort {
  readonly max: number;
  readonly windowMs: number;
  take(key: string): Promise<Admission>;
}

/** Failed authentications per client address: past the limit the address waits. */
export interface AuthFailureGuard {
  /** milliseconds the client at `address` must wait before authenticating again; 0: it may */
  blockedFor(address: string): number;
  /** a request refused because its address is blocked */
  noteThrottled(address: string, door: string): void;
  recordFailure(address: string, door: string, reason: string): Promise<void>;
}
