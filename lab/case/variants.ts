/**
 * Variants, not copies: a case declares variants with parameters, and "{name}" in any string of its
 * actors, groups and steps is replaced by the variant's value for that name.
 */
/** A Map, not an object: "{constructor}" or "{toString}" must not find Object.prototype's members. */
export type VariantParams = ReadonlyMap<string, string>;

const PARAM = /\{([A-Za-z][A-Za-z0-9_-]*)\}/g;

/** Replaces "{name}"; returns the text and the names that no parameter defines. */
export function substitute(text: string, params: VariantParams): { text: string; unknown: string[] } {
  const unknown: string[] = [];
  const out = text.replace(PARAM, (whole, name: string) => {
    const value = params.get(name);
    if (value !== undefined) return value;
    unknown.push(name);
    return whole;
  });
  return { text: out.replace(/\s+/g, " ").trim(), unknown };
}
