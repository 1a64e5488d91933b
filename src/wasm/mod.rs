//! The WebAssembly boundary (wasm32 only). [`exports`] is the only place
//! that decides what JavaScript can see.

mod exports;
