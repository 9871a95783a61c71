import { startTestApp, type TestApp } from './app.js';
import { backendEnv, type Backend } from './databases.js';
import { LOOPBACK_RECEIVER, startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.js';

/** The HMAC secret the workflow app signs its webhooks with, and its receiver checks. */
export const WORKFLOW_WEBHOOK_SECRET = 'workflow-test-webhook-secret';

export interface WorkflowTestApp extends TestApp {
  /** a loopback receiver the app may deliver webhooks to (plain HTTP and loopback allowed for tests) */
  hooks: WebhookReceiver;
}

/**
 * The real app on `backend` with its workflow runner polling every 50 ms (approvals, batches and
 * webhooks move within a test's patience) and a webhook receiver; `close()` stops both. `env`
 * adds or overrides settings, and may name the receiver (`(hooks) => ({ NOTARY_WEBHOOK_URL: hooks.url })`).
 */
export async function startWorkflowApp(
  backend: Backend = 'embedded',
  env: Record<string, string> | ((hooks: WebhookReceiver) => Record<string, string>) = {},
): Promise<WorkflowTestApp> {
  const hooks = await startWebhookReceiver(WORKFLOW_WEBHOOK_SECRET);
  try {
    const app = await startTestApp({
      ...(await backendEnv(backend)),
      NOTARY_WEBHOOK_SECRET: WORKFLOW_WEBHOOK_SECRET,
      ...LOOPBACK_RECEIVER,
      NOTARY_WORKFLOW_POLL_MS: '50',
      ...(typeof env === 'function' ? env(hooks) : env),
    });
    const closeApp = app.close.bind(app);
    return Object.assign(app, {
      hooks,
      close: async () => {
        await closeApp();
        await hooks.close();
      },
    });
  } catch (err) {
    await hooks.close();
    throw err;
  }
}
