export { COOKIE, PERSONAS, type Persona, personaOf } from './personas.js';
export { type App, type AppOptions, CSP, DEFAULT_DATA_DIR, startApp } from './server.js';
