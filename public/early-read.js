// Opening a plan starts here, while the app's wasm is still loading
// (app/src/storage.rs, DeviceStore::read, takes what this read):
// open the device's database and read the plan in the address (its stored
// chunks and its preview) in one transaction. A new device gets no
// database from this (the app creates it); the connection closes when the
// app upgrades the database. Anything unexpected: the app reads by itself.
// The marks are for the browser benchmark (e2e/tests/bench.spec.ts).
try {
  // The device's database, its stores and keys: written by the test of
  // shared/src/storage_layout.rs (the app's layout), not by hand.
  const layout = { database: 'samplan', chunks: 'chunks', previewPrefix: '~preview/', rangeStart: '/', rangeEnd: '0' };
  performance.mark('samplan:early-read-start');
  const open = indexedDB.open(layout.database);
  open.onupgradeneeded = () => open.transaction.abort();
  open.onerror = (event) => event.preventDefault();
  open.onsuccess = () => {
    const db = open.result;
    db.onversionchange = () => db.close();
    const plan = location.pathname.match(/^\/(?:plan|min-plan)\/([^/%]+)$/);
    if (!plan || !db.objectStoreNames.contains(layout.chunks)) return;
    // (Plan ids are letters and digits: nothing to decode.)
    const id = plan[1];
    const tx = db.transaction(layout.chunks);
    const chunks = tx.objectStore(layout.chunks);
    // Every chunk key of the document.
    const range = IDBKeyRange.bound(id + layout.rangeStart, id + layout.rangeEnd, false, true);
    const keys = chunks.getAllKeys(range);
    const values = chunks.getAll(range);
    const preview = chunks.get(layout.previewPrefix + id);
    self.samplanEarlyRead = {
      id,
      read: new Promise((resolve) => {
        tx.oncomplete = () => {
          performance.mark('samplan:early-read-done');
          resolve({ keys: keys.result, values: values.result, preview: preview.result });
        };
        tx.onabort = () => resolve(null);
      }),
    };
  };
} catch (e) {}
