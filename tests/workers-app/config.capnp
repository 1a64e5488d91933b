# workerd's configuration for the two Workers (the port is given on the
# command line: --socket-addr http=127.0.0.1:<port>, and no-init=...).
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .main),
    (name = "no-init", worker = .noInit),
    (name = "internet", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [
    (name = "http", address = "127.0.0.1:0", http = (), service = "main"),
    (name = "no-init", address = "127.0.0.1:0", http = (), service = "no-init"),
  ],
);

const main :Workerd.Worker = (
  modules = [
    (name = "worker.js", esModule = embed "dist/worker.js"),
    (name = "eventsource-wasm/wasm", wasm = embed "node_modules/eventsource-wasm/wasm/eventsource_wasm_bg.wasm"),
  ],
  compatibilityDate = "2026-04-01",
  globalOutbound = "internet",
);

const noInit :Workerd.Worker = (
  modules = [(name = "no-init.js", esModule = embed "dist/no-init.js")],
  compatibilityDate = "2026-04-01",
  globalOutbound = "internet",
);
