import { describe, expect, it } from "vitest";
import { childText, children, parseXml } from "./xml-in.js";

describe("parseXml", () => {
  it("reads elements, text, entities, CDATA and namespaces", () => {
    const root = parseXml(`<?xml version="1.0" encoding="UTF-8"?>
      <Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><!-- c --><Object><Key>a&amp;b &lt;&#x41;&#66;</Key></Object>
      <Object><Key><![CDATA[<raw>]]></Key></Object><Quiet>true</Quiet></Delete>`);
    expect(root.name).toBe("Delete");
    expect(children(root, "Object").map((o) => childText(o, "Key"))).toEqual(["a&b <AB", "<raw>"]);
    expect(childText(root, "Quiet")).toBe("true");
  });
  it("keeps whitespace inside text", () => {
    expect(childText(parseXml("<a><Key>  x  </Key></a>"), "Key")).toBe("  x  ");
  });
  it("refuses malformed documents and DOCTYPE", () => {
    for (const bad of ["", "<a>", "<a></b>", "<a/><b/>", "text", '<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>', "<a>&unknown;</a>", "<a>&#x110000;</a>", "<a>&#99999999999;</a>", "<a>&#xD800;</a>", "<a>&#0;</a>"]) {
      expect(() => parseXml(bad), bad).toThrow(expect.objectContaining({ code: "MalformedXML" }));
    }
  });
});
