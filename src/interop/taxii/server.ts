/** TAXII 2.1 server: the router (router.ts), its collections (collections.ts, kinds.ts) and paging (paging.ts). */
export { mountTaxii } from './router';
export { ADVISORIES_COLLECTION, groupCollectionId, INCIDENTS_COLLECTION, INDICATORS_COLLECTION, SIGHTINGS_COLLECTION, TAXII_TYPE } from './collections';
