/**
 * The one plain-text table layout of the deploy commands' output (change sets, failures, retained
 * resources, outputs), and what `make deploy` prints at the end.
 */
import type { Stack } from "@aws-sdk/client-cloudformation";
import { stackOutputs } from "../../lib/aws/stack-state.js";

/**
 * Lays out rows under headers, each column as wide as its widest cell, two spaces apart; the last
 * column is not padded, so no line ends in spaces.
 */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? "").length)),
  );
  const line = (cells: readonly string[]) =>
    widths
      .map((width, column) => {
        const cell = cells[column] ?? "";
        return column === widths.length - 1 ? cell : cell.padEnd(width);
      })
      .join("  ")
      .trimEnd();
  return [line(headers), line(widths.map((width) => "-".repeat(width))), ...rows.map(line)];
}

/** What `make deploy` prints at the end: the outputs, then how to get a token and call the API. */
export function formatDeployedStack(stack: Stack): string[] {
  const outputs = stackOutputs(stack);
  if (Object.keys(outputs).length === 0) return [`Stack ${stack.StackName} reports no outputs.`];
  const lines = formatTable(["Output", "Value"], Object.entries(outputs));
  const apiUrl = outputs.ApiUrl;
  if (apiUrl === undefined) return lines;
  const name = stack.StackName ?? "<stack>";
  return [
    ...lines,
    "",
    "Try it (the token is printed once; keep it secret):",
    `  TOKEN=$(npm run --silent token -- issue --stack ${name} --principal "$USER" --scope '*')`,
    `  curl -i -X PUT '${apiUrl}/user' -H "Authorization: $TOKEN" -H 'Content-Type: application/json' -d '{"id":"u1","name":"Ada"}'`,
    `  curl -i '${apiUrl}/user/u1' -H "Authorization: $TOKEN"`,
  ];
}
