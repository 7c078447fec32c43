import type { AppProps } from "../../types.ts";

/** The document shell of the test project. */
export default function App({ Component, state }: AppProps<{ who?: string }>) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <title>Test app</title>
        <link rel="stylesheet" href="/hello.css" />
      </head>
      <body data-who={state.who ?? ""}>
        <Component />
      </body>
    </html>
  );
}
