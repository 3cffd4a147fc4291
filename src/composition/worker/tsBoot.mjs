// Worker entry when Tessera runs from its TypeScript sources (npm start, tests): loads the task
// module through tsx. The built gateway (dist/) starts the compiled task module directly.
import { workerData } from 'piscina';
import { tsImport } from 'tsx/esm/api';

const loaded = await tsImport(workerData.entry, workerData.entry);
export default loaded.default;
