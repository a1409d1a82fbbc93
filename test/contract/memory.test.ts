import { memoryStore } from '../../shared/store/memory.js';
import { storeContract } from './store.contract.js';

storeContract('in-memory store', async () => memoryStore());
