// `node --import ./unthrottled.mjs server.mjs`: the reference server with
// automerge-repo's sync throttle off, as a deployment tuned for latency
// would run it. automerge-repo 2.x sends a document's changes to its peers
// at most every `syncDebounceRate` ms (100, a field of DocSynchronizer set
// before its constructor throttles the "change" listener with it; no Repo
// option reaches it), so the only way in is the module's source: this hook
// loads DocSynchronizer.js with the rate 0 (the throttle then only keeps
// one sync at a time per document). It fails if the text is not there, so
// an upgrade that moves it is noticed rather than measured throttled.
import { register } from "node:module"

register("./unthrottled-hook.mjs", import.meta.url)
