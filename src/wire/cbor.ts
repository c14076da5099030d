/**
 * CBOR (RFC 8949) for the `application/x-amz-cbor-1.1` protocol. Decoding reads with a
 * cursor over the input and hands out byte strings as views of it (no copies); encoding
 * writes into one growing Buffer. Both refuse nesting deeper than MAX_DEPTH so hostile or
 * cyclic input fails with a CborError instead of exhausting the stack.
 */
export { CborError } from "./cbor-common.js";
export { decodeCbor } from "./cbor-decode.js";
export { encodeCbor } from "./cbor-encode.js";
