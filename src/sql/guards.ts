// Guards that make the plan re-runnable: PL/pgSQL DO blocks with a dollar-quote tag the body cannot close.

/** `DO $tag$ [DECLARE …] BEGIN … END $tag$` around `body`, with a tag that does not occur in it. */
export function doBlock(body: string, declarations: string[] = []): string {
  let tag = "fleetdb";
  const text = [...declarations, body].join("\n");
  for (let n = 1; text.includes(`$${tag}$`); n += 1) tag = `fleetdb_${n}`;
  const declare = declarations.length > 0 ? `DECLARE\n${indent(declarations.join("\n"))}\n` : "";
  return `DO $${tag}$\n${declare}BEGIN\n${indent(body)}\nEND\n$${tag}$`;
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((line) => `  ${line}`)
    .join("\n");
}
