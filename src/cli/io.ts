/** What every `afdp-notary` command writes to, and the exit codes they share (see run.ts). */
export interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
}

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
