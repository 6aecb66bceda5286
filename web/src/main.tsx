// The dashboard's entry: reads where to sign in (/config.json) and renders the shell into the page.
import { render } from 'preact';
import { App } from './app.js';
import { loadSignInConfig } from './sign-in.js';

const root = document.getElementById('app');
if (!root) throw new Error('index.html has no #app element');
// Asked once at start, while the first page renders; a failure means "sign in locally".
const config = loadSignInConfig();
root.replaceChildren();
render(<App config={config} />, root);
