import '@polytensor/backend-ts';
import { setBackendSync } from '@polytensor/core';

setBackendSync('ts');
