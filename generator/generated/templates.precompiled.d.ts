// Types of the generated templates.precompiled.js (Handlebars.precompile). DO NOT EDIT the .js.

/** SHA-256 of the template sources the specs were compiled from (see templateFingerprint). */
export declare const fingerprint: string;
/** Template file name → handlebars template specification. */
export declare const specs: Readonly<Record<string, unknown>>;
