/** Port: names a unit of work so it shows up as a span (OpenTelemetry) or nothing (no tracing). */
export interface Tracer {
  span<T>(name: string, work: () => Promise<T>): Promise<T>;
  spanSync<T>(name: string, work: () => T): T;
}

export const noopTracer: Tracer = {
  span: (_name, work) => work(),
  spanSync: (_name, work) => work(),
};
