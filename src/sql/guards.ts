// Guards that make the plan re-runnable: PL/pgSQL DO blocks with a dollar-quote tag the body cannot close.

/** `DO $tag$ BEGIN … END $tag$` around `body`, with a tag that does not occur in it. */
export function doBlock(body: string): string {
  let tag = "fleetdb";
  for (let n = 1; body.includes(`$${tag}$`); n += 1) tag = `fleetdb_${n}`;
  return `DO $${tag}$\nBEGIN\n${indent(body)}\nEND\n$${tag}$`;
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((line) => `  ${line}`)
    .join("\n");
}
