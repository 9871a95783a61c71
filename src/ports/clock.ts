export interface Clock {
  now(): Date;
}
export interface IdGenerator {
  next(): string;
}

/** The slice of a structured logger the core uses (pino satisfies it). */
export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}
