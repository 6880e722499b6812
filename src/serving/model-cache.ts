import type { RegisteredModel } from '../training/model-loader.js';
import { createServingModel, type ServingModel } from './serving-model.js';

/**
 * Loaded versions by `model/version`. A version is loaded once (concurrent callers share the
 * load) and kept while routing may use it; versions are immutable, so a cached one never
 * goes stale — only aliases move, and those are re-read by the service.
 */
export class ModelCache {
  private readonly loaded = new Map<string, Promise<ServingModel>>();

  constructor(
    private readonly load: (ref: string) => Promise<RegisteredModel>,
    private readonly onWarning: (message: string) => void = () => {},
  ) {}

  get(model: string, version: number): Promise<ServingModel> {
    const ref = `${model}/${version}`;
    let entry = this.loaded.get(ref);
    if (!entry) {
      entry = this.load(ref).then((registered) => createServingModel(registered, this.onWarning));
      // A failed load is not cached: the next refresh tries again.
      entry.catch(() => this.loaded.delete(ref));
      this.loaded.set(ref, entry);
    }
    return entry;
  }

  /** Forgets every version but those given (requests holding one keep their reference). */
  retain(refs: ReadonlySet<string>): void {
    for (const ref of this.loaded.keys()) if (!refs.has(ref)) this.loaded.delete(ref);
  }

  /** The refs loaded or loading. */
  refs(): string[] {
    return [...this.loaded.keys()];
  }
}
