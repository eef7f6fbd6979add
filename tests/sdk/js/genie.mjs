// The official Databricks JavaScript SDK, unmodified, against genie-mock.
// Each step is what an application does; each check is what it relies on.
// Run by scripts/sdk-check.sh, which starts the mock and sets the
// environment (GENIE_HOST, GENIE_TOKEN, GENIE_CLIENT_ID, GENIE_CLIENT_SECRET).
import assert from "node:assert/strict";
import sdk from "@databricks/sdk-experimental";
const { WorkspaceClient, Time, TimeUnits } = sdk;

const host = process.env.GENIE_HOST;
let passed = 0, failed = 0;

async function step(name, fn) {
    try {
        await fn();
        passed++;
        console.log(`ok   ${name}`);
    } catch (e) {
        failed++;
        console.log(`FAIL ${name}: ${e && e.stack ? e.stack : e}`);
    }
}

const pat = new WorkspaceClient({ host, token: process.env.GENIE_TOKEN, authType: "pat" });
let space, conv, msg;

await step("PAT: list spaces", async () => {
    const r = await pat.genie.listSpaces({});
    assert.ok(r.spaces.length > 0, "no spaces");
    space = r.spaces[0];
    assert.match(space.space_id, /^[0-9a-f]{32}$/);
    assert.equal(typeof space.title, "string");
    assert.equal(space.serialized_space, undefined);
});

await step("PAT: get space", async () => {
    const s = await pat.genie.getSpace({ space_id: space.space_id });
    assert.equal(s.space_id, space.space_id);
});

await step("PAT: start conversation and wait for COMPLETED", async () => {
    const waiter = await pat.genie.startConversation({
        space_id: space.space_id,
        content: "What were total sales by region last month?",
    });
    assert.match(waiter.conversation_id, /^[0-9a-f]{32}$/);
    assert.match(waiter.message_id, /^[0-9a-f]{32}$/);
    msg = await waiter.wait({ timeout: new Time(120, TimeUnits.seconds) });
    conv = waiter.conversation_id;
    assert.equal(msg.status, "COMPLETED");
    assert.equal(msg.message_id, waiter.message_id);
    assert.equal(msg.conversation_id, conv);
    const q = msg.attachments.find((a) => a.query);
    assert.ok(q, "no query attachment");
    assert.match(q.query.query, /SELECT/);
    assert.ok(msg.attachments.some((a) => a.text && a.text.content));
});

await step("PAT: query result of the attachment", async () => {
    const q = msg.attachments.find((a) => a.query);
    const r = await pat.genie.getMessageAttachmentQueryResult({
        space_id: space.space_id, conversation_id: conv,
        message_id: msg.message_id, attachment_id: q.attachment_id,
    });
    const s = r.statement_response;
    assert.equal(s.status.state, "SUCCEEDED");
    const cols = s.manifest.schema.columns;
    assert.ok(cols.length > 0);
    const rows = s.result.data_array;
    assert.ok(rows.length > 0);
    assert.equal(rows[0].length, cols.length);
    for (const cell of rows[0]) assert.ok(cell === null || typeof cell === "string");
});

await step("PAT: follow-up message and wait", async () => {
    const waiter = await pat.genie.createMessage({
        space_id: space.space_id, conversation_id: conv, content: "And by month?",
    });
    const m = await waiter.wait({ timeout: new Time(120, TimeUnits.seconds) });
    assert.equal(m.status, "COMPLETED");
    assert.equal(m.conversation_id, conv);
});

await step("PAT: list conversations and messages", async () => {
    const r = await pat.genie.listConversations({ space_id: space.space_id, page_size: 10 });
    assert.ok(r.conversations.some((c) => c.conversation_id === conv));
    const m = await pat.genie.listConversationMessages({
        space_id: space.space_id, conversation_id: conv,
    });
    assert.equal(m.messages.length, 2);
});

await step("PAT: feedback shows on the message", async () => {
    await pat.genie.sendMessageFeedback({
        space_id: space.space_id, conversation_id: conv, message_id: msg.message_id,
        rating: "POSITIVE", comment: "right answer",
    });
    const m = await pat.genie.getMessage({
        space_id: space.space_id, conversation_id: conv, message_id: msg.message_id,
    });
    assert.equal(m.feedback.rating, "POSITIVE");
});

await step("PAT: delete conversation, then 404 RESOURCE_DOES_NOT_EXIST", async () => {
    await pat.genie.deleteConversation({ space_id: space.space_id, conversation_id: conv });
    await assert.rejects(
        pat.genie.getMessage({
            space_id: space.space_id, conversation_id: conv, message_id: msg.message_id,
        }),
        (e) => e.statusCode === 404 && e.errorCode === "RESOURCE_DOES_NOT_EXIST",
    );
});

await step("PAT: a bad token is UNAUTHENTICATED", async () => {
    const bad = new WorkspaceClient({ host, token: "dapi-not-a-token", authType: "pat" });
    await assert.rejects(bad.genie.listSpaces({}), (e) => e.statusCode === 401);
});

await step("OAuth M2M: discovery, token, then Genie", async () => {
    const m2m = new WorkspaceClient({
        host, authType: "oauth-m2m",
        clientId: process.env.GENIE_CLIENT_ID, clientSecret: process.env.GENIE_CLIENT_SECRET,
    });
    const r = await m2m.genie.listSpaces({});
    assert.ok(r.spaces.length > 0);
    const waiter = await m2m.genie.startConversation({
        space_id: r.spaces[0].space_id, content: "How many orders per channel?",
    });
    const m = await waiter.wait({ timeout: new Time(120, TimeUnits.seconds) });
    assert.equal(m.status, "COMPLETED");
});

await step("admin-armed 429: the very next request sees it and the SDK retries", async () => {
    const admin = { Authorization: `Bearer ${process.env.GENIE_ADMIN_TOKEN}` };
    const arm = await fetch(`${host}/__admin/faults`, {
        method: "POST", headers: admin,
        body: JSON.stringify({
            name: "throttle-once", match: { route: "list_spaces" },
            trigger: { first: 1 }, action: { status: 429, retry_after_s: 1 },
        }),
    });
    assert.equal(arm.status, 200);
    const started = Date.now();
    const r = await pat.genie.listSpaces({});
    assert.ok(r.spaces.length > 0, "the retried call succeeds");
    assert.ok(Date.now() - started >= 900, "the SDK waited for Retry-After");
    const rules = await (await fetch(`${host}/__admin/faults`, { headers: admin })).json();
    const rule = rules.faults.find((f) => f.name === "throttle-once");
    assert.equal(rule.fired, 1, "the first list_spaces got the 429");
    assert.equal(rule.matched, 2, "and the SDK sent it once more");
});

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
