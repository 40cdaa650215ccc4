/**
 * The user's worker module, as adapters import it. The bundler (components/build/bundle.ts)
 * resolves this specifier to the spec's `workers[].code` module.
 */
declare module "queuestack:handler" {
    const exported: unknown;
    export default exported;
}
