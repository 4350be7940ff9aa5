// Control characters: what ends a line (or a field) in the texts fleetdb writes, shown instead as escapes.

/** C0 controls, DEL, and the Unicode line breaks some editors and terminals honour. */
export const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f\u0085\u2028\u2029]/g;

/** `text` with every control character shown as `\xNN` / `\uNNNN`, so it stays on one line. */
export function neutralised(text: string): string {
  return text.replace(CONTROL_CHARACTERS, (character) => {
    const code = character.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}
