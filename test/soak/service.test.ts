import { startServiceAlone } from '../../tools/soak/harness';
import { defineSoak } from '../../tools/soak/soak-suite';

// The production build alone, with dynalite in another process, so a leak in our own code shows on its own.
defineSoak('production build alone', startServiceAlone);
