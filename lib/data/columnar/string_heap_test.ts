import assert from "node:assert/strict";
import { StringHeap } from "./string_heap.ts";

Deno.test("a string heap gives back every string and matches by bytes", () => {
  const strings = [
    "",
    "C20261124-000123",
    "zoë",
    "😀",
    "a".repeat(100),
    "é".repeat(5000),
    "x".repeat(9000),
  ];
  const heap = new StringHeap(2);
  strings.forEach((s, i) => heap.set(i * 2, s));
  heap.trim(strings.length * 2);
  strings.forEach((s, i) => {
    assert.equal(heap.at(i * 2), s);
    for (const [j, t] of strings.entries()) {
      assert.equal(heap.matcher(t)(i * 2), i === j, `${i} ${j}`);
    }
  });
  assert.equal(heap.matcher("C20261124-000124")(2), false);
});
