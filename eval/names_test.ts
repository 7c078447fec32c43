import assert from "node:assert/strict";
import { capitalize, editDistance, isFar, nameTokens, typo, unknownWord } from "./names.ts";
import { randomFor } from "./wording.ts";

Deno.test("editDistance counts insertions, deletions, substitutions and swaps", () => {
  assert.equal(editDistance("outgoing", "outgoign"), 1);
  assert.equal(editDistance("abandonment", "abandonmnet"), 1);
  assert.equal(editDistance("kitten", "sitting"), 3);
  assert.equal(editDistance("Tara", "tara"), 0);
  assert.equal(editDistance("", "abc"), 3);
  assert.equal(editDistance("tara", "tarana"), 2);
});

Deno.test("nameTokens and isFar: words of names, containment counts as near", () => {
  const known = nameTokens(["New York", "ann", " ", "Mary-Jo Smith"]);
  assert.deepEqual([...known].sort(), [
    "ann",
    "jo",
    "mary",
    "mary-jo smith",
    "new",
    "new york",
    "smith",
    "york",
  ]);
  assert.ok(!isFar("yorkshire", known));
  assert.ok(!isFar("annie", known));
  assert.ok(!isFar("smyth", known));
  assert.ok(isFar("zorblat", known));
});

Deno.test("unknownWord is far from every known name, new each time, deterministic", () => {
  const known = nameTokens(["alice", "ben", "carla", "support", "sales", "Sydney", "Gold Coast"]);
  const taken = new Set<string>();
  const r = randomFor(3, "names");
  for (let k = 0; k < 50; k++) {
    const w = unknownWord(r, known, 3, taken);
    assert.match(w, /^[a-z]{5,11}$/);
    assert.ok(!taken.has(w));
    taken.add(w);
    for (const name of known) assert.ok(editDistance(w, name) >= 3, `${w} near ${name}`);
  }
  assert.equal(unknownWord(randomFor(1, "x"), known), unknownWord(randomFor(1, "x"), known));
  assert.equal(capitalize("zorblat"), "Zorblat");
});

Deno.test("typo swaps two adjacent letters after the first two, in words of 5+ letters", () => {
  assert.equal(typo("busy", randomFor(1, "t")), null);
  assert.equal(typo("aaaaa", randomFor(1, "t")), null);
  for (const word of ["outgoing", "abandonment", "missed", "inbound", "service", "failed"]) {
    for (let seed = 0; seed < 20; seed++) {
      const t = typo(word, randomFor(seed, word))!;
      assert.notEqual(t, word);
      assert.equal(t.length, word.length);
      assert.equal(t.slice(0, 2), word.slice(0, 2));
      assert.equal(editDistance(t, word), 1);
      assert.deepEqual([...t].sort(), [...word].sort());
    }
  }
});
