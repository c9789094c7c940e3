// The global base first: the stylesheets the components import come after it in the cascade.
import './styles.css';
import { render } from 'solid-js/web';
import { App } from './app';

const root = document.getElementById('root');
if (!root) throw new Error('#root is missing from index.html');
render(() => <App />, root);
