// tfjs-core ships its per-kernel gradients (dist/gradients/*.js) only as ES
// modules with extension-less relative imports, which Node's ESM loader will
// not resolve. This resolve hook adds the '.js' (or '/index.js') so that
// '@tensorflow/tfjs-core/dist/register_all_gradients.js' loads in plain Node.
// (Engine, kernel and gradient registries are global in tfjs, so the
// gradients registered by this copy serve the CJS copy the backend uses.)
export async function resolve(specifier, context, next) {
  if (specifier.startsWith('.') && !/\.[cm]?js$/.test(specifier) && context.parentURL?.includes('/@tensorflow/')) {
    for (const suffix of ['.js', '/index.js']) {
      try {
        return await next(specifier + suffix, context);
      } catch {
        // try the next form
      }
    }
  }
  return next(specifier, context);
}
