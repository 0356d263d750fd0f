// The element tree the XML importers read (built by xml.ts through saxes or by xml-simple.ts).

export interface XmlElement {
  /** Local name ("v4:note" is "note": the importers match by local name). */
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  /** Text directly inside the element (CDATA included), trimmed. */
  text: string;
  /** Line where the element's start tag begins. */
  line: number;
}

/** The children of every leaf (never added to: a first child replaces it). */
export const NO_CHILDREN: XmlElement[] = [];
/** The attributes of every element that has none. */
export const NO_ATTRIBUTES: Record<string, string> = Object.freeze({}) as Record<string, string>;
