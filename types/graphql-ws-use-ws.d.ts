// graphql-ws publishes its ws adapter only as a subpath export ("graphql-ws/use/ws"), which Node's require resolves
// and TypeScript's node10 resolution cannot see; its declarations, under the path node10 does resolve.
declare module 'graphql-ws/use/ws' {
  export * from 'graphql-ws/dist/use/ws';
}
