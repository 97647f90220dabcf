// The load hook of unthrottled.mjs: DocSynchronizer.js with `syncDebounceRate = 0`.
const FROM = "syncDebounceRate = 100;"
const TO = "syncDebounceRate = 0;"

export async function load(url, context, nextLoad) {
  const loaded = await nextLoad(url, context)
  if (!url.endsWith("/automerge-repo/dist/synchronizer/DocSynchronizer.js")) {
    return loaded
  }
  const source = String(loaded.source)
  if (!source.includes(FROM)) {
    throw new Error(`unthrottled.mjs: "${FROM}" not in ${url}; automerge-repo changed, update the hook`)
  }
  return { ...loaded, source: source.replace(FROM, TO) }
}
