export interface BatcherOptions {
  maxSize: number;
  maxDelayMs: number;
  /** Batches allowed in flight at once; only full batches open a new one early. */
  maxInFlight: number;
}

/** Sends a batch; returns one value or Error per item, in order. A throw fails every item. */
export type FlushFn<I, O> = (items: I[]) => Promise<Array<O | Error>>;

interface Pending<I, O> {
  item: I;
  resolve: (value: O) => void;
  reject: (err: unknown) => void;
}

/**
 * Coalesces concurrent calls: items wait at most maxDelayMs when Vault is idle,
 * and while a batch is in flight the next one fills up behind it. One HTTP round
 * trip then signs up to maxSize digests.
 */
export class MicroBatcher<I, O> {
  #queue: Array<Pending<I, O>> = [];
  #timer: NodeJS.Timeout | undefined;
  #inFlight = 0;
  #closedError: Error | undefined;

  constructor(
    private readonly opts: BatcherOptions,
    private readonly flush: FlushFn<I, O>,
  ) {}

  submit(item: I): Promise<O> {
    if (this.#closedError) return Promise.reject(this.#closedError);
    return new Promise<O>((resolve, reject) => {
      this.#queue.push({ item, resolve, reject });
      this.#schedule();
    });
  }

  close(err: Error): void {
    this.#closedError = err;
    clearTimeout(this.#timer);
    for (const p of this.#queue.splice(0)) p.reject(err);
  }

  #schedule(): void {
    while (this.#queue.length >= this.opts.maxSize && this.#inFlight < this.opts.maxInFlight) this.#send();
    // Busy: the completion of the batch in flight sends whatever queued meanwhile.
    if (this.#queue.length === 0 || this.#inFlight > 0 || this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#drain();
    }, this.opts.maxDelayMs);
  }

  #drain(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    while (this.#queue.length > 0 && this.#inFlight < this.opts.maxInFlight) this.#send();
  }

  #send(): void {
    const batch = this.#queue.splice(0, this.opts.maxSize);
    this.#inFlight += 1;
    this.flush(batch.map((p) => p.item))
      .then(
        (results) =>
          batch.forEach((p, i) => {
            const r = results[i];
            if (r instanceof Error) p.reject(r);
            else p.resolve(r as O);
          }),
        (err: unknown) => batch.forEach((p) => p.reject(err)),
      )
      .finally(() => {
        this.#inFlight -= 1;
        if (!this.#closedError) this.#drain();
      });
  }
}
