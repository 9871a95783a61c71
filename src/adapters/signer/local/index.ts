export { LocalKeyringSigner, type LocalKeyringOptions } from './local-keyring.js';
