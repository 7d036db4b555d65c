import { testsShippedNodeMajor } from '../support/shipped-node';

testsShippedNodeMajor('unit');
