// Sends events with Segment's official Node SDK to an Uptake server and prints, as one JSON
// line, the messageIds the SDK reported delivered and any errors it raised.
// Usage: node send-with-node-sdk.mjs <host> <writeKey> <trackCount>
import { Analytics } from '@segment/analytics-node'

const [host, writeKey, countText] = process.argv.slice(2)
const count = Number(countText)
const analytics = new Analytics({ writeKey, host, flushAt: 15, flushInterval: 100, maxRetries: 3 })
const delivered = []
const errors = []
analytics.on('error', (err) => errors.push(String(err?.reason ?? err)))
const done = (err, ctx) => {
  if (err) errors.push(String(err))
  else delivered.push(ctx.event.messageId)
}

for (let i = 0; i < count; i++) {
  analytics.track({
    userId: `u${i % 5}`,
    anonymousId: `s${i % 3}`,
    event: i % 2 ? 'Viewed Report' : 'Added Widget',
    properties: { module: i % 2 ? 'Reports' : 'Dashboard', groupId: 'acme' },
  }, done)
}
analytics.identify({ userId: 'u1', traits: { first_name: 'Ada', email: 'ada@example.com' } }, done)
analytics.group({ userId: 'u1', groupId: 'acme', traits: { name: 'Acme', createdAt: '2024-01-01T00:00:00Z' } }, done)
await analytics.closeAndFlush({ timeout: 30000 })
console.log(JSON.stringify({ delivered, errors }))
