// first: the core modules bundled into the verifier use Node's global Buffer
import './shims/buffer-global.js';
import { render } from 'preact';
import { App } from './app.js';
import './styles.css';

render(<App />, document.getElementById('app')!);
