// The reference sync server: what automerge-repo-sync-server runs (a Repo
// with NodeWSServerAdapter, NodeFSStorageAdapter and a share policy that
// announces nothing), in a few lines. The load generator starts it with a
// data directory and reads the port from the first line it prints.
import { createServer } from "node:http"
import { Repo } from "@automerge/automerge-repo"
import { NodeWSServerAdapter } from "@automerge/automerge-repo-network-websocket"
import { NodeFSStorageAdapter } from "@automerge/automerge-repo-storage-nodefs"
import { WebSocketServer } from "ws"

const dataDir = process.argv[2] ?? ".reference-data"
const wss = new WebSocketServer({ noServer: true })
new Repo({
  network: [new NodeWSServerAdapter(wss)],
  storage: new NodeFSStorageAdapter(dataDir),
  peerId: "storage-server-reference",
  sharePolicy: async () => false,
})
const http = createServer()
http.on("upgrade", (request, socket, head) => {
  wss.handleUpgrade(request, socket, head, (ws) => wss.emit("connection", ws, request))
})
// The Repo attaches its adapter once its storage id is known; accept
// connections only after that, or the first peers would go unanswered.
while (wss.listenerCount("connection") === 0) {
  await new Promise((resolve) => setTimeout(resolve, 10))
}
http.listen(0, "127.0.0.1", () => {
  console.log(`Reference listening on 127.0.0.1:${http.address().port}`)
})
