// The codes the pages offer and check (mobility, doses, site kinds, time preferences, which
// bookings a secretary may cancel, which reports fit which stop), as the server's domain lists
// them: /assets/codes.json is built from its registries, so no page writes a code list by hand.

const res = await fetch('/assets/codes.json');
if (!res.ok) throw new Error(`codes.json: ${res.status}`);

/** `{mobility, dose, site_kind, time_preference, cancellable, steps: {stop kind: [report]}, closing: {stop kind: [report that closes it]}}`. */
export const CODES = await res.json();
