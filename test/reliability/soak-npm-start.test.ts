import { startWholeSystem } from '../soak/harness';
import { defineSoak } from '../soak/soak-suite';

// The whole local system as `npm start` runs it (one process, embedded DynamoDB on disk), through the local ALB.
defineSoak('npm start', startWholeSystem);
