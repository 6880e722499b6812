/**
 * Entry point of the cross-validation worker threads (piscina loads the compiled
 * dist/ml/cv-worker.js). Kept to one line so the fold logic stays testable in-thread.
 */
import { runFold } from './cv-fold.js';

export default runFold;
