// Reads a JSON array of {url, env} on stdin; connects with node-postgres to each in turn and prints a JSON
// array of {ok, message}. The URLs (with their passwords) travel on stdin, never on the command line.
'use strict'
const { Client } = require('pg')

// DBDOCTOR_TEST_RESOLVE='{"localhost": ["::1", "127.0.0.1"]}': these names resolve to these addresses, in this
// order (what a standard Debian /etc/hosts gives for localhost), without touching /etc/hosts. net.connect calls
// dns.lookup when it connects, so the driver and Node's own address selection run unchanged.
if (process.env.DBDOCTOR_TEST_RESOLVE) {
  const dns = require('dns')
  const table = JSON.parse(process.env.DBDOCTOR_TEST_RESOLVE)
  const realLookup = dns.lookup
  dns.lookup = function lookup(host, options, cb) {
    if (typeof options === 'function') { cb = options; options = {} }
    const list = table[host]
    if (!list) return realLookup.call(dns, host, options, cb)
    const all = list.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }))
    const opts = typeof options === 'number' ? { family: options } : (options || {})
    const wanted = opts.family ? all.filter((a) => a.family === opts.family) : all
    process.nextTick(() => (opts.all ? cb(null, wanted) : cb(null, wanted[0].address, wanted[0].family)))
  }
}

process.removeAllListeners('warning')
process.on('warning', () => {})
console.warn = () => {}

// a string `ssl` value other than true/1/0/no-verify makes pg throw inside a socket handler (an uncaught
// exception that would end the app's process): catch it and report it for the connection being tried
let failCurrent = null
process.on('uncaughtException', (err) => { if (failCurrent) failCurrent(err) })

function withCrashGuard(promise) {
  return new Promise((resolve, reject) => {
    failCurrent = (err) => reject(Object.assign(err, { uncaught: true }))
    promise.then(resolve, reject)
  })
}

async function tryOne(item) {
  const saved = process.env.PGSSLMODE
  if (item.env && item.env.PGSSLMODE !== undefined) process.env.PGSSLMODE = item.env.PGSSLMODE
  else delete process.env.PGSSLMODE
  let client
  try {
    client = new Client({ connectionString: item.url, connectionTimeoutMillis: 5000 })
  } catch (err) {
    return { ok: false, message: String(err.message || err), stage: 'config' }
  } finally {
    if (saved === undefined) delete process.env.PGSSLMODE
    else process.env.PGSSLMODE = saved
  }
  client.on('error', () => {})
  try {
    await withCrashGuard(client.connect())
    const res = await client.query('select ssl from pg_stat_ssl where pid = pg_backend_pid()')
    await client.end()
    return { ok: true, message: null, ssl: res.rows.length ? res.rows[0].ssl : null }
  } catch (err) {
    try { await client.end() } catch (e) {}
    return { ok: false, message: (err.uncaught ? 'uncaught ' + err.name + ': ' : '') + String(err.message || err),
      stage: 'connect' }
  }
}

async function main() {
  const chunks = []
  for await (const c of process.stdin) chunks.push(c)
  const items = JSON.parse(Buffer.concat(chunks).toString('utf8'))
  const out = []
  for (const item of items) out.push(await tryOne(item))
  process.stdout.write(JSON.stringify(out))
}

main().catch((err) => { process.stderr.write(String(err && err.stack)); process.exit(3) })
