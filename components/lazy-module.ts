/**
 * A module namespace that is only `require`d when first used, so importing the library entry
 * never loads a provider SDK the user did not install.
 */
export function lazyModule<T extends object>(load: () => T): T {
    let loaded: T | undefined;
    const target = () => (loaded ??= load());
    return new Proxy({} as T, {
        get: (_, key) => Reflect.get(target(), key),
        has: (_, key) => Reflect.has(target(), key),
        ownKeys: () => Reflect.ownKeys(target()),
        getOwnPropertyDescriptor: (_, key) => {
            const descriptor = Reflect.getOwnPropertyDescriptor(target(), key);
            return descriptor && { ...descriptor, configurable: true };
        },
    });
}
