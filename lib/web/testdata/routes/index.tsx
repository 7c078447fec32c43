import Counter from "../islands/Counter.tsx";
import type { Handlers, PageProps } from "../../types.ts";

interface Data {
  title: string;
}

/** Loads the page data. */
export const handler: Handlers<Data> = {
  GET(_req, ctx) {
    return ctx.render({ title: "Hello </script><script>alert(1)</script>" });
  },
};

/** The home page: a heading and two islands. */
export default function Home({ data, state }: PageProps<Data, { who?: string }>) {
  return (
    <main>
      <h1>{data.title}</h1>
      <p>Hi {state.who}</p>
      <Counter label={data.title} start={1} />
      <Counter label="second" start={5} />
    </main>
  );
}
