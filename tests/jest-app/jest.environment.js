// jest.environment.js: Jest's jsdom environment, with the web APIs from
// Node that jsdom lacks and eventsource-wasm needs.
const { TestEnvironment } = require('jest-environment-jsdom');

const fromNode = ['fetch', 'Request', 'Response', 'Headers', 'ReadableStream'];
fromNode.push('TextDecoder', 'TextEncoder', 'AbortController', 'AbortSignal');

module.exports = class JsdomWithFetch extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of fromNode) this.global[name] = globalThis[name];
  }
};
