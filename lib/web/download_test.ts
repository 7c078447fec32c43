import assert from "node:assert/strict";
import { contentDisposition, streamExport } from "./download.ts";

Deno.test("Content-Disposition has a safe ASCII name and the UTF-8 name", () => {
  assert.equal(
    contentDisposition("calls_2030-01-01.xlsx"),
    `attachment; filename="calls_2030-01-01.xlsx"; filename*=UTF-8''calls_2030-01-01.xlsx`,
  );
  const evil = contentDisposition('a"b\r\nX-Bad: 1/../é (1).xlsx');
  assert.ok(!/[\r\n]/.test(evil));
  assert.match(evil, /^attachment; filename="[A-Za-z0-9._-]+\.xlsx"; filename\*=UTF-8''[^ ";]+$/);
  assert.match(contentDisposition("Отчёт"), /filename="report\.xlsx"/);
  assert.match(contentDisposition("Отчёт"), /filename\*=UTF-8''%D0%9E/);
});

Deno.test("streamExport passes every chunk through in order", async () => {
  const body = await streamExport(
    async (sink) => {
      const w = sink.getWriter();
      for (const s of ["a", "b", "c"]) await w.write(new TextEncoder().encode(s));
      await w.close();
    },
    undefined,
    () => {},
  );
  assert.equal(await new Response(body).text(), "abc");
});

Deno.test("streamExport rejects when the writer fails before writing", async () => {
  await assert.rejects(
    () => streamExport(() => Promise.reject(new Error("no data")), undefined, () => {}),
    /no data/,
  );
});
