// Starts the real servers the suite needs (PostgreSQL) once per run; filled in by the store tests.
export default async function setup(): Promise<void> {}
