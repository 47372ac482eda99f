/** One request's share of the budget. */
export interface BodyReservation {
  /** Makes it cover `total` bytes; false when the budget has no room for them. */
  cover(total: number): boolean;
  /** Gives its bytes back, once the body is dropped (again is a no-op). */
  release(): void;
}

/**
 * The bytes of webhook bodies the Node server holds at once, across every request. A body is
 * unverified until it has all arrived and its signature is checked, so without a shared bound each
 * of a thousand connections could make the server hold 25 MB. A request reserves its declared
 * length before a byte is read, and grows its reservation as a body without one streams in.
 */
export class WebhookBodyBudget {
  private held = 0;

  constructor(readonly maxBytes: number) {}

  /** Bytes reserved now. */
  get heldBytes(): number {
    return this.held;
  }

  /** Room for `bytes` (at least one: a full budget refuses a body of unknown length too), or null. */
  reserve(bytes: number): BodyReservation | null {
    if (this.held + Math.max(bytes, 1) > this.maxBytes) return null;
    this.held += bytes;
    let reserved = bytes;
    let released = false;
    return {
      cover: (total) => {
        if (total <= reserved) return true;
        if (released || this.held + (total - reserved) > this.maxBytes) return false;
        this.held += total - reserved;
        reserved = total;
        return true;
      },
      release: () => {
        if (released) return;
        released = true;
        this.held -= reserved;
      },
    };
  }
}
