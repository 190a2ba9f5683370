// Subscribes to a resource of an upstream of the 2026-07-28 era through Conduit, has the upstream change it, and waits
// for the update: the official SDK v1 client with resources/subscribe (2025 era) or the SDK v2 client pinned to
// 2026-07-28 with subscriptions/listen. The upstream (modern-server.mjs) has no resources/subscribe; the gateway
// carries the subscription on a listen stream of its own. Prints one JSON object; exits 1 if no update came in time.
// Usage: node subscribe-client.mjs <url> <api-key> <touch tool> <legacy|modern>
import { Client as ClientV1 } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport as TransportV1 } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ResourceUpdatedNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";

const [url, key, touch, era] = process.argv.slice(2);
const uri = "modern://status";
const requestInit = { headers: { Authorization: `Bearer ${key}` } };
const out = { era, updates: [] };
let updated;
const update = new Promise((resolve) => { updated = resolve; });
const onUpdate = (notification) => {
  out.updates.push(notification.params);
  updated();
};
const inTime = (promise, what) => Promise.race([promise, new Promise((_, reject) =>
  setTimeout(() => reject(new Error(`no ${what} within 20 s`)), 20000).unref())]);

try {
  if (era === "legacy") {
    const client = new ClientV1({ name: "conduit-subscribe-legacy", version: "1.0.0" });
    client.setNotificationHandler(ResourceUpdatedNotificationSchema, onUpdate);
    const transport = new TransportV1(new URL(url), { requestInit });
    await client.connect(transport);
    out.subscribed = await client.subscribeResource({ uri });
    out.touched = (await client.callTool({ name: touch, arguments: {} })).content[0].text;
    await inTime(update, "notifications/resources/updated");
    out.read = (await client.readResource({ uri })).contents[0].text;
    // Ends without unsubscribing, as clients do: the gateway releases the subscription with the session.
    await transport.terminateSession();
    await client.close();
  } else {
    const client = new Client({ name: "conduit-subscribe-modern", version: "1.0.0" },
      { versionNegotiation: { mode: { pin: "2026-07-28" } } });
    client.setNotificationHandler("notifications/resources/updated", onUpdate);
    await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit }));
    const subscription = await client.listen({ resourceSubscriptions: [uri] });
    out.honored = subscription.honoredFilter;
    out.touched = (await client.callTool({ name: touch, arguments: {} })).content[0].text;
    await inTime(update, "notifications/resources/updated");
    await subscription.close();
    await client.close();
  }
} catch (e) {
  out.error = String(e);
  console.log(JSON.stringify(out));
  process.exit(1);
}
console.log(JSON.stringify(out));
