import assert from "node:assert/strict";
import { createEmbeddedClient } from "./mcp_client.ts";
import { compileRegex, isLiteralPattern, SafeRegExp, stripExtended } from "./safe_regex.ts";
import type { Document } from "./types.ts";

const EVIL = "^(\\w+\\s?)*!$";

/** The same shape with no literal for a prefilter to reject on: RE2 must really run. */
const EVIL_NO_LITERAL = "^(\\w+\\s?)*$";

/** `n` documents whose `name` makes a backtracking engine try every split of its words. */
function evilDocs(n: number): Document[] {
  return Array.from({ length: n }, (_, i) => ({
    _id: i,
    name: `${"a".repeat(30 + (i % 20))} ${"word ".repeat(12)}x`,
    note: `${"b".repeat(40 + (i % 20))} ${"word ".repeat(12)}!`,
    phone: `+91981234${String(i).padStart(4, "0")}`,
  }));
}

Deno.test("security: limits: $regex ^(\\w+\\s?)*!$ over 3000 long strings ends fast and other work goes on", async () => {
  const client = await createEmbeddedClient({ calling_cdr: evilDocs(3000) });
  try {
    await client.count("calling_cdr"); // connected, tools listed
    // Twice: cold (first use compiles and JITs) and warm. A timer and another request run
    // while the evil counts are under way.
    for (const round of ["cold", "warm"]) {
      const started = performance.now();
      const ticks: number[] = [started];
      const timer = setInterval(() => ticks.push(performance.now()), 5);
      const evil = Promise.all([
        client.count("calling_cdr", { name: { $regex: EVIL } }),
        client.count("calling_cdr", { note: { $regex: EVIL_NO_LITERAL } }),
      ]);
      const other = client.count("calling_cdr", { phone: { $regex: "0042$" } }).then((n) => ({
        n,
        at: performance.now() - started,
      }));
      const [counts, second] = await Promise.all([evil, other]);
      const tookMs = performance.now() - started;
      clearInterval(timer);
      ticks.push(performance.now());
      const gaps = ticks.slice(1).map((t, i) => t - ticks[i]);
      const worstGapMs = Math.max(...gaps);
      console.log(
        `${round}: 2 evil $regex counts over 3000 docs ${
          tookMs.toFixed(0)
        } ms; another request answered after ${second.at.toFixed(0)} ms; ${
          ticks.length - 2
        } timer ticks meanwhile, longest gap ${worstGapMs.toFixed(0)} ms`,
      );
      assert.deepEqual(counts, [0, 0]);
      assert.equal(second.n, 1);
      assert.ok(tookMs < 3_000, `took ${tookMs} ms`);
      assert.ok(second.at < 3_000, `the other request waited ${second.at} ms`);
      assert.ok(worstGapMs < 500, `the event loop was held for ${worstGapMs} ms`);
    }
  } finally {
    await client.close();
  }
});

Deno.test("security: limits: regex options and syntax keep MongoDB's meaning", async () => {
  const docs: Document[] = [
    { _id: 1, name: "Rohit Sharma", phone: "+919812341234", note: "line one\nSecond line" },
    { _id: 2, name: "rohan mehta", phone: "+919800001111", note: "nothing" },
    { _id: 3, name: "Quinn Lee", phone: "+14155550123", note: "a.b" },
    { _id: 4, name: "Asha Rao", phone: "+919876541234", note: "axb" },
  ];
  const client = await createEmbeddedClient({ calling_cdr: docs });
  const ids = async (filter: Document) =>
    (await client.find({ collection: "calling_cdr", filter, sort: { _id: 1 }, limit: 10 }))
      .documents.map((d) => d._id);
  try {
    // Phone suffix and name look-ups (the literal fast path).
    assert.deepEqual(await ids({ phone: { $regex: "1234$" } }), [1, 4]);
    assert.deepEqual(await ids({ name: { $regex: "^ro", $options: "i" } }), [1, 2]);
    assert.deepEqual(await ids({ name: { $regex: "^ro" } }), [2]);
    // Classes, alternation and quantifiers (RE2).
    assert.deepEqual(await ids({ name: { $regex: "^(rohit|quinn)\\b", $options: "i" } }), [1, 3]);
    assert.deepEqual(await ids({ phone: { $regex: "^\\+91\\d{10}$" } }), [1, 2, 4]);
    assert.deepEqual(await ids({ name: { $regex: "[A-Z][a-z]+ [A-Z][a-z]+" } }), [1, 3, 4]);
    // m: anchors per line; s: the dot crosses lines; x: spaces and comments ignored.
    assert.deepEqual(await ids({ note: { $regex: "^Second" } }), []);
    assert.deepEqual(await ids({ note: { $regex: "^Second", $options: "m" } }), [1]);
    assert.deepEqual(await ids({ note: { $regex: "one.Second" } }), []);
    assert.deepEqual(await ids({ note: { $regex: "one.Second", $options: "s" } }), [1]);
    assert.deepEqual(
      await ids({ phone: { $regex: "^ \\+1 \\d+  # US numbers\n$", $options: "x" } }),
      [3],
    );
    // An escaped dot is a dot; BSON regexes, $in, $nin and $not use the same engines.
    assert.deepEqual(await ids({ note: { $regex: "a\\.b" } }), [3]);
    assert.deepEqual(await ids({ name: /^(ROHIT|asha)/i }), [1, 4]);
    assert.deepEqual(await ids({ name: { $in: [/^quinn/i, "rohan mehta"] } }), [2, 3]);
    assert.deepEqual(await ids({ name: { $nin: [/^(r|q)/i] } }), [4]);
    assert.deepEqual(await ids({ name: { $not: /^(r|q)/i } }), [4]);
    assert.equal(await client.count("calling_cdr", { name: { $regex: EVIL } }), 0);
    // Expressions: $regexMatch, $regexFind, $regexFindAll (empty matches move on).
    const res = await client.aggregate("calling_cdr", [
      { $match: { _id: 3 } },
      {
        $project: {
          _id: 0,
          m: { $regexMatch: { input: "$name", regex: "^(\\w+\\s?)*$" } },
          f: { $regexFind: { input: "$name", regex: "(l)(e+)", options: "i" } },
          all: { $regexFindAll: { input: "$note", regex: "b*" } },
        },
      },
    ]);
    assert.deepEqual(res.documents[0], {
      m: true,
      f: { match: "Lee", idx: 6, captures: ["L", "ee"] },
      all: [
        { match: "", idx: 0, captures: [] },
        { match: "", idx: 1, captures: [] },
        { match: "b", idx: 2, captures: [] },
        { match: "", idx: 3, captures: [] },
      ],
    });
  } finally {
    await client.close();
  }
});

Deno.test("security: limits: patterns RE2 cannot run and unknown options are clear tool errors", async () => {
  const client = await createEmbeddedClient({ calling_cdr: evilDocs(3) });
  try {
    const lookahead = await client.callTool("count", {
      collection: "calling_cdr",
      query: { name: { $regex: "a(?=b)" } },
    });
    assert.equal(lookahead.isError, true);
    assert.match(lookahead.text, /linear time .*lookaheads/);
    const backref = await client.callTool("count", {
      collection: "calling_cdr",
      query: { name: { $regex: "(a)\\1" } },
    });
    assert.equal(backref.isError, true);
    assert.match(backref.text, /backreferences/);
    const flag = await client.callTool("count", {
      collection: "calling_cdr",
      query: { name: { $regex: "a", $options: "g" } },
    });
    assert.equal(flag.isError, true);
    assert.match(flag.text, /option.*g.*not supported|Invalid flag in regex options: g/);
  } finally {
    await client.close();
  }
});

Deno.test("only literal patterns take the native engine", () => {
  for (const p of ["1234$", "^rohit", "quinn", "a\\.b", "[a-z]x", "(?:ab)c", "\\+91"]) {
    assert.ok(isLiteralPattern(p), p);
    assert.ok(!(compileRegex(p) instanceof SafeRegExp), p);
  }
  for (const p of [EVIL, "a*", "a+b", "a?", "a{2}", "a|b", "(a)\\1", "(?=a)", "(?<n>a)"]) {
    assert.ok(!isLiteralPattern(p), p);
  }
  assert.ok(compileRegex(EVIL) instanceof SafeRegExp);
  assert.equal(stripExtended("a b # comment\n [ ]c\\ d"), "ab[ ]c\\ d");
  // The RE2-backed regex answers like the native one.
  const re = compileRegex("(\\d+)-(\\d+)", "");
  assert.equal(re.test("call 12-34"), true);
  assert.deepEqual([...re.exec("call 12-34")!], ["12-34", "12", "34"]);
  assert.equal("call 12-34".replace(re, "$2-$1"), "call 34-12");
});
