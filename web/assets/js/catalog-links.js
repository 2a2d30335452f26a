// Where catalog entities live: the UI's /catalog URLs and the API's paths. FQNs go through
// URLSearchParams / encodeURIComponent, never string concatenation: names may hold dots, quotes,
// spaces, slashes and any Unicode.

/** The REST collection of each entity type. */
export const COLLECTIONS = {
  databaseService: 'services/databaseServices',
  database: 'databases',
  databaseSchema: 'databaseSchemas',
  table: 'tables',
  storedProcedure: 'storedProcedures',
};

/** The /catalog query parameter that opens an entity of a type (its children, or the table). */
const PAGE_PARAM = { databaseService: 'service', database: 'database', databaseSchema: 'databaseSchema', table: 'table' };

/** Human names of the types, singular. */
export const TYPE_LABELS = {
  databaseService: 'Database service',
  database: 'Database',
  databaseSchema: 'Schema',
  table: 'Table',
  storedProcedure: 'Stored procedure',
};

/** `/catalog?key=value&...`, dropping empty values. */
export function catalogUrl(params = {}) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') query.set(key, String(value));
  }
  const text = query.toString();
  return text ? `/catalog?${text}` : '/catalog';
}

/** The UI page of an entity (or null for a type without a page). */
export function entityUrl(type, fqn) {
  const param = PAGE_PARAM[type];
  return param ? catalogUrl({ [param]: fqn }) : null;
}

/** `/api/v1/{collection}/name/{fqn}` with the FQN as one encoded path segment. */
export function byNamePath(type, fqn, query = {}) {
  const params = new URLSearchParams(query).toString();
  return `/api/v1/${COLLECTIONS[type]}/name/${encodeURIComponent(fqn)}${params ? `?${params}` : ''}`;
}

/** `/api/v1/{collection}?filters` (a list). */
export function listPath(type, query = {}) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  return `/api/v1/${COLLECTIONS[type]}?${params}`;
}
