// Imported first by the entry points. graphql-js reads NODE_ENV when it loads and keeps its
// slower development checks unless it is "production"; config.ts treats unset as production too.
process.env.NODE_ENV ||= 'production';
