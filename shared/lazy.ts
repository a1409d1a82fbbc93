import type { Adapter, PortName, PortTypes } from './deps.js';

/** Every port but the store, which the guarded ports (email, SMS) need at hand. */
type LazyPort = Exclude<PortName, 'store'>;

type Lazy<N extends LazyPort> = (load: () => Promise<Adapter<N>>) => Adapter<N>;

/**
 * A port whose adapter (and its SDK client) is loaded on first use, for ports that only a rare path
 * of a function needs: the common path does not pay for them at cold start. A failed load is retried
 * on the next call.
 */
function lazy<N extends LazyPort>(methods: readonly (keyof PortTypes[N] & string)[]): Lazy<N> {
  return (load) => (cfg, built) => {
    let port: Promise<PortTypes[N]> | undefined;
    const get = () =>
      (port ??= load().then(
        (adapter) => adapter(cfg, built),
        (error: unknown) => {
          port = undefined;
          throw error;
        },
      ));
    const call =
      (method: string) =>
      async (...args: unknown[]) => {
        const target = (await get()) as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
        return target[method]!(...args);
      };
    return Object.fromEntries(methods.map((m) => [m, call(m)])) as unknown as PortTypes[N];
  };
}

export const lazyEmail = lazy<'email'>(['send']);
export const lazySms = lazy<'sms'>(['send']);
export const lazyScheduler = lazy<'scheduler'>(['create', 'delete']);
export const lazyKeyedHash = lazy<'keyedHash'>(['hash']);
export const lazyIdempotency = lazy<'idempotency'>(['once']);
