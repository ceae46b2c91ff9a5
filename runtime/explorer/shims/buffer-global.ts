/**
 * Injected into the explorer bundle wherever runtime code names the global `Buffer` (the codec's
 * hex encoding and decoding): the `buffer` package, the browser implementation of Node's Buffer.
 * Issue 23.
 * @module
 */
export { Buffer } from 'buffer';
