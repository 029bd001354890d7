declare const IAPEER_VERSION: string | undefined;

/** Injected by the build; source runs (tests) report a dev version. */
export const VERSION: string = typeof IAPEER_VERSION === 'string' ? IAPEER_VERSION : '0.0.0-dev';
