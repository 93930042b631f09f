// The shape helpers live in core (one copy for every backend); this module
// keeps backend-ts's local names.
export { forEachRow, prodOfDims as prod, sizeOfShape, stridesOf } from '@polytensor/core';
