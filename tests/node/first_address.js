// Which address of a host name Node's net.connect uses: a server on 127.0.0.1 only, and a lookup that gives
// ::1 first, then 127.0.0.1 (what localhost is on a standard Debian /etc/hosts). Prints a JSON object:
// the Node version, net's default autoSelectFamily, and the outcome with Node's default, with
// autoSelectFamily false (what Node before 20 does by default) and with autoSelectFamily true.
'use strict'
const net = require('net')

const ADDRESSES = [{ address: '::1', family: 6 }, { address: '127.0.0.1', family: 4 }]
const lookup = (host, options, cb) => (options && options.all
  ? cb(null, ADDRESSES)
  : cb(null, ADDRESSES[0].address, ADDRESSES[0].family))

function attempt(port, extra) {
  return new Promise((resolve) => {
    const sock = net.connect({ host: 'localhost', port, lookup, ...extra })
    sock.setTimeout(5000, () => { sock.destroy(); resolve({ ok: false, message: 'timeout' }) })
    sock.on('connect', () => {
      const address = sock.remoteAddress
      sock.destroy()
      resolve({ ok: true, address })
    })
    sock.on('error', (err) => resolve({ ok: false, code: err.code, message: err.message }))
  })
}

const server = net.createServer((s) => s.end())
server.listen(0, '127.0.0.1', async () => {
  const port = server.address().port
  const out = {
    node: process.version,
    port,
    default_auto_select_family: typeof net.getDefaultAutoSelectFamily === 'function'
      ? net.getDefaultAutoSelectFamily() : null,
    default: await attempt(port, {}),
    auto_select_false: await attempt(port, { autoSelectFamily: false }),
    auto_select_true: await attempt(port, { autoSelectFamily: true }),
  }
  server.close()
  process.stdout.write(JSON.stringify(out))
})
