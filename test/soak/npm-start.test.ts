import { startWholeSystem } from '../../tools/soak/harness';
import { defineSoak } from '../../tools/soak/soak-suite';

// The whole local system as `npm start` runs it (one process, embedded DynamoDB on disk), through the local ALB.
defineSoak('npm start', startWholeSystem);
