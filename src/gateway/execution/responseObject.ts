/**
 * The objects a response is built of. Like `Object.create(null)` they inherit nothing, so any
 * response name (`constructor`, `__proto__`) is an own data property and a missing one reads as
 * `undefined`; unlike it they are not dictionaries: V8 gives objects made by `new` hidden classes,
 * and the thousands of objects one selection set makes share one, which writing them, reading them
 * and `JSON.stringify` are several times faster on.
 */
export const ResponseObject = function ResponseObject() {} as unknown as new () => Record<string, unknown>;
ResponseObject.prototype = Object.create(null) as object;
