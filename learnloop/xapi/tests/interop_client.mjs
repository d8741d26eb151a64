// Drives the LRS with @xapi/xapi, the JavaScript xAPI client (npm), as an outside client would.
// Usage: node interop_client.mjs ENDPOINT KEY SECRET VERSION
// Prints the number of checks passed; exits 1 with the first failure (and the LRS's answer).
import { createHash, randomUUID } from "node:crypto";

import XAPI from "@xapi/xapi";

const [endpoint, key, secret, version] = process.argv.slice(2);
const config = { endpoint, auth: XAPI.toBasicAuth(key, secret), version };
const xapi = new XAPI(config);
// In Node the default (axios) transport sends a multipart body as application/octet-stream;
// the fetch one keeps the library's multipart/mixed header (but drops the status of errors).
const xapiFetch = new XAPI({ ...config, adapter: "fetch" });
let passed = 0;

function check(condition, what) {
  if (!condition) throw new Error(`failed: ${what}`);
  passed += 1;
}

async function refused(call, status, what) {
  try {
    await call();
  } catch (error) {
    check(error.response?.status === status, `${what}: ${status}, not ${error.response?.status}`);
    return;
  }
  check(false, `${what}: refused with ${status}`);
}

// A learner of its own, so that a run finds only what it stored.
const ann = { objectType: "Agent", name: "Ann", mbox: `mailto:ann-${randomUUID()}@example.com` };
const course = "http://example.com/courses/js";
const statement = (verb, activity) => ({
  actor: ann,
  verb, // one of the library's own Verb objects (id and display)
  object: { objectType: "Activity", id: activity, definition: { name: { "en-US": "JS course" } } },
  timestamp: new Date().toISOString(),
});

async function run() {
  const about = (await xapi.getAbout()).data;
  check(about.version.includes(version), `about lists ${version}`);

  const [first] = (await xapi.sendStatement({ statement: statement(XAPI.Verbs.COMPLETED, course) }))
    .data;
  const batch = (
    await xapi.sendStatements({
      statements: [1, 2, 3].map((n) => statement(XAPI.Verbs.PROGRESSED, `${course}/${n}`)),
    })
  ).data;
  check(batch.length === 3, "a batch returns one id per statement");

  const stored = await xapi.getStatement({ statementId: first });
  check(stored.data.id === first && stored.data.authority, "a statement comes back with its authority");
  check(stored.headers["x-experience-api-version"] === version, "the answer names the version");
  check(stored.headers["x-experience-api-consistent-through"], "Consistent-Through is sent");

  const page = (await xapi.getStatements({ agent: ann, verb: XAPI.Verbs.PROGRESSED.id, limit: 2 })).data;
  check(page.statements.length === 2 && page.more, "a limited query has a more link");
  const rest = (await xapi.getMoreStatements({ more: page.more })).data;
  const seen = [...page.statements, ...rest.statements].map((s) => s.id).sort();
  check(JSON.stringify(seen) === JSON.stringify([...batch].sort()), "paging returns each once");

  const certificate = new TextEncoder().encode("Certificate of completion");
  const sha2 = createHash("sha256").update(certificate).digest("hex");
  const attached = {
    ...statement(XAPI.Verbs.PASSED, course),
    attachments: [
      {
        usageType: "http://id.tincanapi.com/attachment/certificate",
        display: { "en-US": "Certificate" },
        contentType: "text/plain",
        length: certificate.byteLength,
        sha2,
      },
    ],
  };
  const [withFile] = (await xapiFetch.sendStatement({ statement: attached, attachments: [certificate.buffer] }))
    .data;
  const [returned, ...parts] = (await xapi.getStatement({ statementId: withFile, attachments: true })).data;
  check(returned.attachments[0].sha2 === sha2, "a multipart statement keeps its attachment object");
  check(
    parts.length === 1 && String(parts[0]).trim() === "Certificate of completion",
    `the attachment's content comes back as a part (${JSON.stringify(parts)})`,
  );

  await xapi.voidStatement({ actor: ann, statementId: batch[0] });
  check(
    (await xapi.getVoidedStatement({ voidedStatementId: batch[0] })).data.id === batch[0],
    "a voided statement is found by voidedStatementId",
  );
  await refused(() => xapi.getStatement({ statementId: batch[0] }), 404, "a voided statement by id");

  const scope = { agent: ann, activityId: course, stateId: "bookmark" };
  await xapi.setState({ ...scope, state: { page: 3 } });
  await xapi.createState({ ...scope, state: { chapter: 2 } }); // POST: merged
  check((await xapi.getState(scope)).data.chapter === 2, "a posted state merges");
  check((await xapi.getState(scope)).data.page === 3, "the merge keeps earlier keys");
  check((await xapi.getStates({ agent: ann, activityId: course })).data[0] === "bookmark", "state ids");
  await xapi.deleteState(scope);
  await refused(() => xapi.getState(scope), 404, "a deleted state");

  const profile = { activityId: course, profileId: "settings" };
  await xapi.createActivityProfile({ ...profile, profile: { theme: "dark" } });
  const current = await xapi.getActivityProfile(profile);
  const etag = current.headers.etag;
  check(etag && current.headers["last-modified"], "a profile has an ETag and Last-Modified");
  await xapi.setActivityProfile({ ...profile, profile: { theme: "light" }, etag, matchHeader: "If-Match" });
  check((await xapi.getActivityProfile(profile)).data.theme === "light", "If-Match overwrites");
  await refused(
    () => xapi.setActivityProfile({ ...profile, profile: {}, etag, matchHeader: "If-Match" }),
    412,
    "a stale If-Match",
  );
  check((await xapi.getActivityProfiles({ activityId: course })).data[0] === "settings", "profile ids");

  await xapi.setAgentProfile({
    agent: ann,
    profileId: "card",
    profile: { role: "learner" },
    etag: "*",
    matchHeader: "If-None-Match",
  });
  check((await xapi.getAgentProfile({ agent: ann, profileId: "card" })).data.role === "learner", "agent profile");
  await xapi.deleteAgentProfile({ agent: ann, profileId: "card" });
  check((await xapi.getAgentProfiles({ agent: ann })).data.length === 0, "a deleted agent profile");

  const activity = (await xapi.getActivity({ activityId: course })).data;
  check(activity.definition.name["en-US"] === "JS course", "the activity keeps its definition");
  const person = (await xapi.getAgent({ agent: ann })).data;
  check(person.objectType === "Person" && person.mbox[0] === ann.mbox, "the agent is a Person");
}

run().then(
  () => console.log(`${passed} checks passed`),
  (error) => {
    const body = error.response ? ` (${error.response.status} ${JSON.stringify(error.response.data)})` : "";
    console.error(`${error.message}${body}`);
    process.exit(1);
  },
);
