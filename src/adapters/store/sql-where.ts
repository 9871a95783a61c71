/**
 * WHERE clauses with numbered parameters for filtered, paged listings: each `?` in a clause takes
 * the next value given with it; `limit(n)` adds the LIMIT parameter last.
 */
export class Where {
  readonly params: unknown[] = [];
  private readonly clauses: string[] = [];

  add(clause: string, ...values: unknown[]): this {
    let i = 0;
    this.clauses.push(
      clause.replace(/\?/g, () => {
        this.params.push(values[i++]);
        return `$${this.params.length}`;
      }),
    );
    return this;
  }

  /** `WHERE a AND b`, or nothing */
  toString(): string {
    return this.clauses.length ? `WHERE ${this.clauses.join(' AND ')}` : '';
  }

  limit(n: number): string {
    this.params.push(n);
    return `LIMIT $${this.params.length}`;
  }
}
