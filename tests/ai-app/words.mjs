// What the mock model streams (tests/ai-app/server.mjs, tests/e2e/ai-sdk.test.mjs).
export const WORDS = ['Server', '-Sent', ' Events', ' carry', ' each', ' part', ' once', '.'];
