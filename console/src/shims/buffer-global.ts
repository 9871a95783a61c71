/**
 * The core (src/core) uses Node's global Buffer. The `buffer` package is the same API for
 * browsers; main.tsx imports this module first, so it is set before any core module runs.
 */
import { Buffer } from 'buffer';

(globalThis as { Buffer?: unknown }).Buffer ??= Buffer;
