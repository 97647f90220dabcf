import init from '__JS__';
await init({ module_or_path: '__WASM__' });
