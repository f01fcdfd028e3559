// Sends events with RudderStack's official Node SDK to an Uptake server and prints, as one JSON
// line, the messageIds it reported delivered and any errors it raised.
// Usage: node send-with-rudder-node-sdk.mjs <dataPlaneUrl> <writeKey> <trackCount>
import Analytics from '@rudderstack/rudder-sdk-node'

const [dataPlaneUrl, writeKey, countText] = process.argv.slice(2)
const count = Number(countText)
const errors = []
const analytics = new Analytics(writeKey, {
  dataPlaneUrl, flushAt: 15, flushInterval: 100, logLevel: 'error', errorHandler: (err) => errors.push(String(err)),
})
const sent = []
const send = (call, message) => {
  message.messageId = `rudder-${sent.length}`
  sent.push(message.messageId)
  analytics[call](message, (err) => { if (err) errors.push(String(err)) })
}

for (let i = 0; i < count; i++) {
  send('track', {
    userId: `u${i % 5}`,
    anonymousId: `s${i % 3}`,
    event: i % 2 ? 'Viewed Report' : 'Added Widget',
    properties: { module: i % 2 ? 'Reports' : 'Dashboard', groupId: 'acme' },
  })
}
send('identify', { userId: 'u1', traits: { first_name: 'Ada', email: 'ada@example.com' } })
send('group', { userId: 'u1', groupId: 'acme', traits: { name: 'Acme', createdAt: '2024-01-01T00:00:00Z' } })
send('page', { userId: 'u1', anonymousId: 's0', name: 'Home' })
await analytics.flush()
console.log(JSON.stringify({ sent, errors }))
