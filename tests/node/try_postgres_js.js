// Reads a JSON array of {url, env} on stdin; connects with postgres.js (npm `postgres`) to each in turn and
// prints a JSON array of {ok, message, code, ssl}. The URLs (with their passwords) travel on stdin, never on the
// command line. `env` replaces the PG* variables postgres.js reads while it parses the options (PGSSL...).
'use strict'
const postgres = require('postgres')

process.removeAllListeners('warning')
process.on('warning', () => {})

let failCurrent = null
process.on('uncaughtException', (err) => { if (failCurrent) failCurrent(err) })

function withCrashGuard(promise) {
  return new Promise((resolve, reject) => {
    failCurrent = (err) => reject(Object.assign(err, { uncaught: true }))
    promise.then(resolve, reject)
  })
}

function withEnv(env, fn) {
  const saved = {}
  for (const key of Object.keys(process.env)) {
    if (key.startsWith('PG')) { saved[key] = process.env[key]; delete process.env[key] }
  }
  Object.assign(process.env, env || {})
  try { return fn() } finally {
    for (const key of Object.keys(process.env)) if (key.startsWith('PG')) delete process.env[key]
    Object.assign(process.env, saved)
  }
}

async function tryOne(item) {
  let sql
  try {
    sql = withEnv(item.env, () => postgres(item.url, { connect_timeout: 5, max: 1, onnotice: () => {} }))
  } catch (err) {
    return { ok: false, message: String(err.message || err), stage: 'config' }
  }
  try {
    const rows = await withCrashGuard(sql`select ssl from pg_stat_ssl where pid = pg_backend_pid()`)
    await sql.end({ timeout: 1 })
    return { ok: true, message: null, ssl: rows.length ? rows[0].ssl : null }
  } catch (err) {
    try { await sql.end({ timeout: 0 }) } catch (e) {}
    return { ok: false, message: (err.uncaught ? 'uncaught ' + err.name + ': ' : '') + String(err.message || err),
      code: err.code || null, stage: 'connect' }
  }
}

async function main() {
  const chunks = []
  for await (const c of process.stdin) chunks.push(c)
  const items = JSON.parse(Buffer.concat(chunks).toString('utf8'))
  const out = []
  for (const item of items) out.push(await tryOne(item))
  process.stdout.write(JSON.stringify(out))
  process.exit(0)
}

main().catch((err) => { process.stderr.write(String(err && err.stack)); process.exit(3) })
