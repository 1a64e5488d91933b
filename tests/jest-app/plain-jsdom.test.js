/** @jest-environment jsdom */
// Jest's own jsdom environment has no TextDecoder or fetch: requiring the
// package says so, and where the fix is.
test('requiring the package in plain jsdom says what is missing', () => {
  expect(() => require('eventsource-wasm')).toThrow(/needs TextDecoder and TextEncoder.*Test runners/);
});
